"""The dispatcher harness, for API tests that watch what the bot then sends."""

from __future__ import annotations

from tests.dispatcher.conftest import tg

__all__ = ["tg"]
