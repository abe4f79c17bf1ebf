"""The browser sandbox: the Bot API emulator, the bot pointed at it and a page of phones."""

from __future__ import annotations
