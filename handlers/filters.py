from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from services.access import Actor


class Staff(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.is_staff


class Customer(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and not actor.is_staff


class NotCommand(Filter):
    async def __call__(self, event: TelegramObject) -> bool:
        text = getattr(event, "text", None) or ""
        return not text.startswith("/")


class AnyCommand(Filter):
    """A command, whichever (in a text or, as aiogram's `Command` reads it, a caption): one
    check before a router's several command filters."""

    async def __call__(self, event: TelegramObject) -> bool:
        text = getattr(event, "text", None) or getattr(event, "caption", None) or ""
        return text.lstrip().startswith("/")


class Has(Filter):
    """The message carries any of these parts. A coroutine on purpose: aiogram runs a plain
    (synchronous) filter such as `F.photo` in a worker thread, a costly hop on every update."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    async def __call__(self, event: TelegramObject) -> bool:
        return any(getattr(event, part, None) for part in self.parts)
