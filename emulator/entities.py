"""MessageEntity helpers: UTF-16 offsets, Telegram's normalisation rules and HTML rendering."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

# tdlib orders entities starting at the same place by length, then by this priority.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_CONTAINER_FREE = {"code", "pre"}
_QUOTES = {"blockquote", "expandable_blockquote"}
_TRIM = " \t\n\r\f\v"
KNOWN_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "date_time",
        *_PRIORITY,
    }
)


@dataclass(slots=True)
class Formatted:
    """Plain text plus entities, as Telegram stores a message after parsing."""

    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def utf16_index(text: str, units: int, default: int) -> int:
    """The code point index of a UTF-16 offset into text; `default` where the offset is not
    a boundary between characters (inside a surrogate pair, or past the end)."""
    if text.isascii():
        return units if 0 <= units <= len(text) else default
    encoded = text.encode("utf-16-le")
    if not 0 <= units * 2 <= len(encoded):
        return default
    try:
        return len(encoded[: units * 2].decode("utf-16-le"))
    except UnicodeDecodeError:
        return default


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(
        entities, key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50))
    )


def _contains(outer: Entity, inner: Entity) -> bool:
    start: int = inner["offset"]
    end: int = start + inner["length"]
    return bool(outer["offset"] <= start and end <= outer["offset"] + outer["length"])


def normalize(formatted: Formatted) -> Formatted:
    """Trim surrounding whitespace and drop entities Telegram would not keep."""
    text = formatted.text
    lead = len(text) - len(text.lstrip(_TRIM))
    stripped = text.strip(_TRIM)
    shift = utf16_len(text[:lead])
    limit = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start and entity["type"] in KNOWN_TYPES:
            kept.append({**entity, "offset": start, "length": end - start})
    ordered = sort_entities(kept)
    result: list[Entity] = []
    for entity in ordered:
        blocked = any(
            _contains(other, entity)
            and (
                other["type"] in _CONTAINER_FREE
                or (other["type"] in _QUOTES and entity["type"] in _QUOTES)
            )
            for other in result
        )
        if not blocked:
            result.append(entity)
    return Formatted(stripped, result)


def sanitize_explicit(text: str, entities: list[Entity]) -> Formatted:
    """Entities passed by the bot: keep the ones inside the text, as Telegram does."""
    limit = utf16_len(text)
    kept = [
        e
        for e in entities
        if 0 <= e["offset"] < limit and e["length"] > 0 and e["type"] in KNOWN_TYPES
    ]
    for entity in kept:
        entity["length"] = min(entity["length"], limit - entity["offset"])
    return normalize(Formatted(text, kept))


def _open_tag(entity: Entity) -> str:
    kind = entity["type"]
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "spoiler": "tg-spoiler",
        "code": "code",
        "blockquote": "blockquote",
    }
    if kind in simple:
        return f"<{simple[kind]}>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>"
    if kind == "pre":
        language = entity.get("language")
        if language:
            return f'<pre><code class="language-{html.escape(language)}">'
        return "<pre>"
    if kind == "text_link":
        return f'<a href="{html.escape(entity["url"])}">'
    if kind == "text_mention":
        return f'<a href="tg://user?id={entity["user"]["id"]}">'
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{html.escape(entity["custom_emoji_id"])}">'
    return ""


def _close_tag(entity: Entity) -> str:
    opened = _open_tag(entity)
    if not opened:
        return ""
    if entity["type"] == "pre" and entity.get("language"):
        return "</code></pre>"
    name = opened[1:].split(">")[0].split(" ")[0]
    return f"</{name}>"


def to_html(formatted: Formatted) -> str:
    """Render text and entities back into Telegram-flavoured HTML for display."""
    text = formatted.text
    spans = [
        (
            utf16_index(text, e["offset"], 0),
            utf16_index(text, e["offset"] + e["length"], len(text)),
            e,
        )
        for e in sort_entities(formatted.entities)
        if _open_tag(e)
    ]
    out: list[str] = []
    stack: list[tuple[int, Entity]] = []
    pending = 0
    written = 0
    # Tags open and close only where a span starts or ends; the text between goes at once.
    for position in sorted({start for start, _, _ in spans} | {end for _, end, _ in spans}):
        out.append(html.escape(text[written:position], quote=False))
        written = position
        while any(item[0] == position for item in stack):
            reopen: list[tuple[int, Entity]] = []
            while stack[-1][0] != position:
                reopen.append(stack.pop())
                out.append(_close_tag(reopen[-1][1]))
            out.append(_close_tag(stack.pop()[1]))
            for item in reversed(reopen):
                stack.append(item)
                out.append(_open_tag(item[1]))
        while pending < len(spans) and spans[pending][0] == position:
            start, end, entity = spans[pending]
            pending += 1
            if end > start:
                stack.append((end, entity))
                out.append(_open_tag(entity))
    out.append(html.escape(text[written:], quote=False))
    return "".join(out)
