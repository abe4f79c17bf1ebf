"""Telegram's HTML parse mode, following tdlib's parse_html step by step (errors included)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities import Entity, Formatted, utf16_len
from .links import UserLookup, link_entity

_SUPPORTED = frozenset(
    "a b strong i em u ins s strike del span tg-spoiler code pre blockquote tg-emoji".split()  # noqa: SIM905
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\f\v"
_SPECIAL = re.compile("[&<]")


class ParseError(Exception):
    """The text is not valid in its parse mode; str(error) is tdlib's reason."""


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int
    text_start: int


def decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity at text[pos] == '&'; None means Telegram keeps the '&' as is."""
    end = pos + 1
    if text.startswith("#", end):
        end += 1
        hexadecimal = text.startswith("x", end)
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        code = 0
        while end < len(text) and text[end] in digits:
            code = code * (16 if hexadecimal else 10) + int(text[end], 16)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or end - pos >= 10 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if text.startswith(";", end):
        end += 1
    return char, end


class _Parser:
    def __init__(self, source: str, lookup: UserLookup) -> None:
        self.src = source
        self.lookup = lookup
        self.out: list[str] = []
        self.units = 0
        self.length = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def byte(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.length += len(chunk)
        self.units += utf16_len(chunk)

    def char(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def run(self) -> Formatted:
        i = 0
        while i < len(self.src):
            c = self.src[i]
            if c == "&":
                decoded = decode_entity(self.src, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
            if c != "<":
                # Plain text up to the next tag or entity goes out at once.
                end = _SPECIAL.search(self.src, i + 1)
                stop = end.start() if end else len(self.src)
                self.emit(self.src[i:stop])
                i = stop
                continue
            i = self.end_tag(i) if self.char(i + 1) == "/" else self.start_tag(i)
        if self.stack:
            raise ParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        return Formatted("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while i < len(self.src) and self.src[i] not in _SPACES and self.src[i] != ">":
            i += 1
        if i >= len(self.src):
            raise ParseError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = self.src[begin + 1 : i].lower()
        if tag not in _SUPPORTED:
            raise ParseError(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        argument = ""
        while self.char(i) != ">":
            while self.char(i) and self.char(i) in _SPACES:
                i += 1
            if not self.char(i):
                raise ParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
            if self.char(i) == ">":
                break
            name_begin = i
            while self.char(i) and self.char(i) not in _SPACES and self.char(i) not in "=>":
                i += 1
            name = self.src[name_begin:i].lower()
            if not name:
                raise ParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte(name_begin)}"
                )
            while self.char(i) and self.char(i) in _SPACES:
                i += 1
            if self.char(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                    continue
                raise ParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {self.byte(begin)}'
                )
            value, i = self.attribute_value(i + 1, tag, begin)
            argument = self.argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte(begin)}'
            )
        self.stack.append(_Open(tag, argument, self.units, self.length))
        return i + 1

    def attribute_value(self, i: int, tag: str, begin: int) -> tuple[str, int]:
        while self.char(i) and self.char(i) in _SPACES:
            i += 1
        if not self.char(i):
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte(begin)}')
        if self.char(i) not in "'\"":
            token_begin = i
            while self.char(i) and (self.char(i).isalnum() or self.char(i) in ".-"):
                i += 1
            if self.char(i) and self.char(i) not in _SPACES and self.char(i) != ">":
                raise ParseError(f"Unexpected end of name token at byte offset {self.byte(i)}")
            if not self.char(i):
                raise ParseError(f"Unclosed start tag at byte offset {self.byte(begin)}")
            return self.src[token_begin:i].lower(), i
        quote = self.src[i]
        i += 1
        value: list[str] = []
        while self.char(i) and self.char(i) != quote:
            decoded = decode_entity(self.src, i) if self.char(i) == "&" else None
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
            else:
                value.append(self.src[i])
                i += 1
        if not self.char(i):
            raise ParseError(f"Unclosed start tag at byte offset {self.byte(begin)}")
        return "".join(value), i + 1

    @staticmethod
    def argument(tag: str, name: str, value: str, current: str) -> str:
        if tag == "a" and name == "href":
            return value
        if tag == "code" and name == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class" and value.startswith("tg-"):
            return value[len("tg-") :]
        if tag == "tg-emoji" and name == "emoji-id":
            return value
        if tag == "blockquote" and name == "expandable":
            return "1"
        return current

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise ParseError(f"Unexpected end tag at byte offset {self.byte(begin)}")
        i = begin + 2
        while self.char(i) and self.char(i) not in _SPACES and self.char(i) != ">":
            i += 1
        name = self.src[begin + 2 : i].lower()
        while self.char(i) and self.char(i) in _SPACES:
            i += 1
        if self.char(i) != ">":
            raise ParseError(f"Unclosed end tag at byte offset {self.byte(begin)}")
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise ParseError(
                f"Unmatched end tag at byte offset {self.byte(begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.units > opened.offset:
            self.close(opened, self.units - opened.offset)
        return i + 1

    def close(self, opened: _Open, length: int) -> None:
        tag, offset = opened.tag, opened.offset
        last = self.entities[-1] if self.entities else None
        same = last is not None and last["offset"] == offset and last["length"] == length
        if tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
        elif tag == "a":
            url = opened.argument or "".join(self.out)[opened.text_start :]
            link = link_entity(url, offset, length, self.lookup)
            if link is not None:
                self.entities.append(link)
        elif tag == "pre":
            if same and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag == "code":
            if same and last is not None and last["type"] == "pre" and opened.argument:
                last["language"] = opened.argument
            else:
                code: Entity = {"type": "code", "offset": offset, "length": length}
                if opened.argument:
                    code["language"] = opened.argument
                self.entities.append(code)
        elif tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise ParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": opened.argument,
                }
            )
        else:
            kind = "expandable_blockquote" if opened.argument else "blockquote"
            self.entities.append({"type": kind, "offset": offset, "length": length})


def parse_html(source: str, lookup: UserLookup) -> Formatted:
    """Parse Telegram HTML into text and raw entities; raises ParseError with tdlib's reason."""
    formatted = _Parser(source, lookup).run()
    for entity in formatted.entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return formatted
