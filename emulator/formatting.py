"""Turns what the bot sent (text + parse_mode or entities) into what Telegram stores."""

from __future__ import annotations

from typing import Any

from .autodetect import detect
from .entities import Formatted, normalize, sanitize_explicit
from .errors import bad_request
from .html_parse import ParseError, parse_html
from .links import UserLookup
from .markdown import parse_markdown, parse_markdown_v2

_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    lookup: UserLookup,
) -> tuple[Formatted, str | None]:
    """(parsed text with entities, original HTML if parse_mode was HTML); 400 on bad markup."""
    mode = (parse_mode or "").lower()
    if mode:
        parser = _PARSERS.get(mode)
        if parser is None:
            raise bad_request("unsupported parse_mode")
        try:
            parsed = normalize(parser(text, lookup))
        except ParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        parsed = sanitize_explicit(text, entities or [])
    return detect(parsed), text if mode == "html" else None
