"""Source buttons offered when staff enter a request by hand."""

from __future__ import annotations

from aiogram.methods import SendMessage
from aiogram.types import User

from tests.support.harness import Harness


def pick(tg: Harness, user: User, index: int) -> str:
    """The data of the `index`-th source button, for the draft last offered to `user` (a
    place past the offered ones gives a forged button's data)."""
    for call in reversed(tg.recorder.calls):
        if isinstance(call, SendMessage) and call.chat_id == user.id and call.reply_markup:
            rows = getattr(call.reply_markup, "inline_keyboard", [])
            data = [button.callback_data or "" for row in rows for button in row]
            if data and data[0].startswith("nl:"):
                draft = data[0].split(":")[1]
                return f"nl:{draft}:{index}"
    raise AssertionError(f"no sources were offered to {user.id}")
