from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Router
from aiogram.types import Chat, Message, PhotoSize

from handlers import get_routers
from handlers.filters import AnyCommand


def _all(router: Router) -> list[Router]:
    return [router, *(r for child in router.sub_routers for r in _all(child))]


def test_every_filter_is_a_coroutine() -> None:
    """aiogram runs synchronous filters (such as `F.text`) in a worker thread; on every
    update that hop costs more than the handler's own work, so filters stay async."""
    sync = []
    for top in get_routers():
        for router in _all(top):
            for name, observer in router.observers.items():
                filters = [f for h in observer.handlers for f in h.filters or []]
                filters += observer._handler.filters or []
                sync += [
                    f"{router.name}.{name}: {f.callback!r}" for f in filters if not f.awaitable
                ]
    assert sync == []


async def test_any_command_is_read_from_a_text_or_a_caption_as_commands_are() -> None:
    def message(**parts: object) -> Message:
        chat = Chat(id=1, type="private")
        return Message(message_id=1, date=datetime.now(UTC), chat=chat, **parts)

    photo = [PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)]
    is_command = AnyCommand()
    assert await is_command(message(text="/start abc"))
    assert await is_command(message(photo=photo, caption="/help"))
    assert not await is_command(message(text="Need chairs /start"))
    assert not await is_command(message(photo=photo))
