"""Telegram's Markdown and MarkdownV2 parse modes, after tdlib (blockquotes not expandable)."""

from __future__ import annotations

from dataclasses import dataclass

from .entities import Entity, Formatted, utf16_len
from .html_parse import ParseError
from .links import UserLookup, link_entity

_RESERVED = "_*[]()~`>#+-=|{}.!"
_TDLIB_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def _byte(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _skip_pre_header(text: str, i: int) -> tuple[int, str]:
    """After ``` : optional language then one line break are not part of the text."""
    end = i
    while end < len(text) and text[end] not in " \t\n\r\f\v`":
        end += 1
    language = ""
    if end != i and end < len(text) and text[end] != "`":
        language, i = text[i:end], end
    if text.startswith(("\r\n", "\n\r"), i):
        i += 2
    elif text[i : i + 1] in ("\n", "\r"):
        i += 1
    return i, language


@dataclass(slots=True)
class _Open:
    kind: str
    language: str
    offset: int
    byte_begin: int
    text_start: int


class _V2:
    def __init__(self, text: str, lookup: UserLookup) -> None:
        self.src = text
        self.lookup = lookup
        self.out: list[str] = []
        self.units = 0
        self.length = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []
        self.quote_start: int | None = None

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.length += len(chunk)
        self.units += utf16_len(chunk)

    def at(self, i: int) -> str:
        return self.src[i] if i < len(self.src) else ""

    def closes(self, c: str, i: int) -> bool:
        kind = self.stack[-1].kind
        nxt = self.at(i + 1)
        return {
            "bold": c == "*",
            "italic": c == "_" and nxt != "_",
            "underline": c == "_" and nxt == "_",
            "code": c == "`",
            "pre": self.src.startswith("```", i),
            "text_link": c == "]",
            "strikethrough": c == "~",
            "spoiler": self.src.startswith("||", i),
        }[kind]

    def line_start(self, i: int) -> int:
        """Handle '>' at the start of a line: blockquote lines merge until a plain line."""
        in_code = bool(self.stack) and self.stack[-1].kind in ("code", "pre")
        at_line_start = i == 0 or self.src[i - 1] == "\n"
        if not at_line_start or in_code:
            return i
        if self.at(i) == ">":
            if self.quote_start is None:
                self.quote_start = self.units
            return i + 1
        self.end_quote()
        return i

    def end_quote(self) -> None:
        if self.quote_start is not None:
            end = self.units - (1 if self.out and self.out[-1] == "\n" else 0)
            if end > self.quote_start:
                self.entities.append(
                    {
                        "type": "blockquote",
                        "offset": self.quote_start,
                        "length": end - self.quote_start,
                    }
                )
            self.quote_start = None

    def run(self) -> Formatted:
        i = 0
        while i < len(self.src):
            i = self.line_start(i)
            if i >= len(self.src):
                break
            c = self.src[i]
            if c == "\\" and 0 < ord(self.at(i + 1) or "\0") <= 126:
                self.emit(self.src[i + 1])
                i += 2
                continue
            reserved = "`" if self.stack and self.stack[-1].kind in ("code", "pre") else _RESERVED
            if c not in reserved:
                self.emit(c)
                i += 1
                continue
            i = self.close(i) if self.stack and self.closes(c, i) else self.open(i)
        self.end_quote()
        if self.stack:
            last = self.stack[-1]
            raise ParseError(
                f"Can't find end of {_TDLIB_NAMES[last.kind]} entity at byte offset "
                f"{last.byte_begin}"
            )
        return Formatted("".join(self.out), self.entities)

    def open(self, i: int) -> int:
        c, begin, language = self.src[i], i, ""
        kinds = {"*": "bold", "~": "strikethrough", "[": "text_link"}
        if c == "_":
            kind = "underline" if self.at(i + 1) == "_" else "italic"
            i += 2 if kind == "underline" else 1
        elif c == "|" and self.at(i + 1) == "|":
            kind, i = "spoiler", i + 2
        elif c == "`" and self.src.startswith("```", i):
            kind = "pre"
            i, language = _skip_pre_header(self.src, i + 3)
        elif c == "`":
            kind, i = "code", i + 1
        elif c in kinds:
            kind, i = kinds[c], i + 1
        else:
            raise ParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        self.stack.append(_Open(kind, language, self.units, _byte(self.src, begin), self.length))
        return i

    def close(self, i: int) -> int:
        opened = self.stack.pop()
        length = self.units - opened.offset
        widths = {"underline": 2, "spoiler": 2, "pre": 3}
        i += widths.get(opened.kind, 1)
        entity: Entity | None = {"type": opened.kind, "offset": opened.offset, "length": length}
        if opened.kind == "text_link":
            url = "".join(self.out)[opened.text_start :]
            if self.at(i) == "(":
                url_begin = i + 1
                i, url = url_begin, ""
                while i < len(self.src) and self.src[i] != ")":
                    escaped = self.src[i] == "\\" and 0 < ord(self.at(i + 1) or "\0") <= 126
                    url += self.src[i + 1] if escaped else self.src[i]
                    i += 2 if escaped else 1
                if i >= len(self.src):
                    raise ParseError(
                        f"Can't find end of a URL at byte offset {_byte(self.src, url_begin)}"
                    )
                i += 1
            entity = link_entity(url, opened.offset, length, self.lookup)
        elif opened.kind == "pre" and opened.language and entity is not None:
            entity["language"] = opened.language
        if entity is not None and length > 0:
            self.entities.append(entity)
        return i


def parse_markdown_v2(text: str, lookup: UserLookup) -> Formatted:
    return _V2(text, lookup).run()


def parse_markdown(text: str, lookup: UserLookup) -> Formatted:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out: list[str] = []
    entities: list[Entity] = []
    units, i = 0, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(text[i + 1])
            units, i = units + 1, i + 2
            continue
        if c not in "_*`[":
            out.append(c)
            units, i = units + utf16_len(c), i + 1
            continue
        begin, end_char, language = i, "]" if c == "[" else c, ""
        is_pre = text.startswith("```", i)
        i = _skip_pre_header(text, i + 3)[0] if is_pre else i + 1
        if is_pre:
            language = _skip_pre_header(text, begin + 3)[1]
        start_units, start_len = units, len("".join(out))
        while i < len(text) and (
            text[i] != end_char if not is_pre else not text.startswith("```", i)
        ):
            out.append(text[i])
            units, i = units + utf16_len(text[i]), i + 1
        if i >= len(text):
            raise ParseError(
                f"Can't find end of the entity starting at byte offset {_byte(text, begin)}"
            )
        length = units - start_units
        kind = {"_": "italic", "*": "bold", "`": "pre" if is_pre else "code"}.get(c, "text_link")
        entity: Entity | None = {"type": kind, "offset": start_units, "length": length}
        if c == "[":
            url = "".join(out)[start_len:]
            if text[i + 1 : i + 2] == "(":
                close = text.find(")", i + 2)
                url = text[i + 2 : close] if close != -1 else text[i + 2 :]
                i = close if close != -1 else len(text) - 1
            entity = link_entity(url, start_units, length, lookup)
        elif is_pre and language and entity is not None:
            entity["language"] = language
        if entity is not None and length > 0:
            entities.append(entity)
        i += 3 if is_pre else 1
    return Formatted("".join(out), entities)
