"""What a test reads of any one chat with the bot, and the text its people type there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .entities import to_html
from .errors import EmulatorUsageError
from .models import StoredMessage
from .state import EmulatorState


class ChatHandle:
    def __init__(self, emulator: EmulatorState, chat_id: int) -> None:
        self.emulator = emulator
        self.chat_id = chat_id

    def _typed(self, text: str, reply_to: int | None) -> dict[str, Any]:
        """A typed text message's content, as a Telegram client sends it."""
        formatted = self.emulator.format(text, None, None)[0]
        if not formatted.text:
            raise EmulatorUsageError("Telegram clients do not send empty messages")
        target = None
        if reply_to is not None:
            target = self.emulator.find_message(self.chat_id, reply_to)
            if target is None:
                raise EmulatorUsageError(f"no message {reply_to} to reply to")
        return {
            "text": formatted.text,
            "entities": formatted.entities,
            "html": to_html(formatted),
            "reply_to": target,
        }

    def messages(self) -> list[StoredMessage]:
        return self.emulator.messages(self.chat_id)

    def bot_messages(self) -> list[StoredMessage]:
        return [m for m in self.messages() if m.outgoing]

    def last_bot_message(self) -> StoredMessage | None:
        sent = self.bot_messages()
        return sent[-1] if sent else None

    async def wait_for_bot_message(
        self,
        *,
        after: int | None = None,
        predicate: Callable[[StoredMessage], bool] | None = None,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """First bot message newer than `after` (default: the latest message not the bot's)."""
        own = [m.message_id for m in self.messages() if not m.outgoing]
        threshold = after if after is not None else (own[-1] if own else 0)

        def find() -> StoredMessage | None:
            for message in self.bot_messages():
                if message.message_id > threshold and (predicate is None or predicate(message)):
                    return message
            return None

        return await self.emulator.wait_for(find, timeout)
