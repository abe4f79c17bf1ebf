"""Entities Telegram finds by itself in message text (commands, links, mentions, tags)."""

from __future__ import annotations

import re

from .entities import Formatted, sort_entities, utf16_len

# Each with the characters a text must hold one of for it to match: a text holding none of
# them is not searched.
_PATTERNS = (
    (
        "bot_command",
        ("/",),
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?\b"),
    ),
    (
        "email",
        ("@",),
        re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    ),
    ("url", (":", "."), re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("mention", ("@",), re.compile(r"(?<![\w@/.])@[A-Za-z0-9_]{4,32}\b")),
    ("hashtag", ("#",), re.compile(r"(?<![\w#&])#\w{1,256}")),
    ("cashtag", ("$",), re.compile(r"(?<![\w$])\$[A-Z]{3,8}\b")),
)
_TRAILING = ".,;:!?)]}'\""
# A detected entity never lands inside these ones, as in tdlib.
_EXCLUSIVE = frozenset(
    {"code", "pre", "text_link", "text_mention", "custom_emoji", "url", "email", "mention"}
)


def _spans(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for kind, needed, pattern in _PATTERNS:
        if not any(char in text for char in needed):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                while end > start and text[end - 1] in _TRAILING:
                    end -= 1
            if kind == "hashtag" and text[start + 1 : end].isdigit():
                continue
            if end > start:
                found.append((kind, start, end))
    return found


def detect(formatted: Formatted) -> Formatted:
    """Add Telegram's automatic entities that do not collide with existing ones."""
    text = formatted.text
    entities = list(formatted.entities)
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _EXCLUSIVE
    ]
    for kind, start, end in _spans(text):
        offset = utf16_len(text[:start])
        length = utf16_len(text[start:end])
        if any(offset < b and a < offset + length for a, b in taken):
            continue
        taken.append((offset, offset + length))
        entities.append({"type": kind, "offset": offset, "length": length})
    return Formatted(text, sort_entities(entities))
