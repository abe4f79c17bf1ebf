"""Queued notifications for delivery tests against the emulator: each row's text carries a
unique number, so what arrived can be counted for losses and duplicates."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from bot import migrate
from bot.emulator import Emulator
from services import outbox
from services.db.engine import create_engine, session_factory
from services.db.models import User

NUMBER = re.compile(r"(\d+) open requests? (?:was|were) handed over")
FIRST_CHAT = 10_000


async def seed(database_url: str, emulator: Emulator, chats: int, per_chat: int) -> int:
    """Migrate, make the chats' people known to both sides, queue chats × per_chat rows
    (interleaved across chats, as real traffic is). Returns how many were queued."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    async with session_factory(engine)() as session:
        named = User(tg_id=9, role="manager", first_name="Anna", created_at=now)
        session.add(named)
        await session.flush()
        for n in range(chats * per_chat):
            chat = FIRST_CHAT + n % chats
            outbox.enqueue(
                session,
                chat_id=chat,
                kind="manager_unreachable",
                payload={"user_id": named.id, "moved": n},
                dedupe_key=f"load:{n}",
                now=now,
            )
        await session.commit()
    await engine.dispose()
    for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
        emulator.user(chat, f"P{chat}").user.started = True
    return chats * per_chat


def received(emulator: Emulator, chats: int) -> Counter[int]:
    """How often each queued number reached its chat."""
    seen: Counter[int] = Counter()
    for chat in range(FIRST_CHAT, FIRST_CHAT + chats):
        for message in emulator.messages(chat):
            seen.update(int(n) for n in NUMBER.findall(message.text or ""))
    return seen
