"""The bot as an operator sees it, over aiohttp's test client."""

from __future__ import annotations

from tests.dispatcher.conftest import tg

__all__ = ["tg"]
