"""Links in formatted text: Telegram's URL normalisation and tg://user mentions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .entities import Entity

UserLookup = Callable[[int], dict[str, Any] | None]

_SPACES = " \t\n\r\f\v"
_MENTION = "tg://user?id="


def check_link(url: str) -> str | None:
    """Normalise a link like Telegram does, or None when Telegram would drop it."""
    url = url.strip()
    if not url or any(c in url for c in _SPACES):
        return None
    if url.lower().startswith(("tg:", "ton:")):
        return url
    if "://" not in url:
        url = "http://" + url
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if not host or (port is None and ":" in parts.netloc.rsplit("@", 1)[-1]):
        return None
    if not parts.path:
        return parts._replace(path="/").geturl()
    return url


def link_entity(url: str, offset: int, length: int, lookup: UserLookup) -> Entity | None:
    """text_mention for tg://user?id=<known user>, text_link for a valid URL, else nothing."""
    if url.lower().startswith(_MENTION) and url[len(_MENTION) :].isdigit():
        user = lookup(int(url[len(_MENTION) :]))
        if user is None:
            return None
        return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    checked = check_link(url)
    if checked is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}
