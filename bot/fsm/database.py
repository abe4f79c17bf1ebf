"""aiogram's conversation state (FSM) in the database, where it is when no Redis is set: a
restart loses nothing a person typed. While an update's handler works in its unit of work, the
state changes it makes are written in that unit of work, so they are committed together with
the change they lead to, or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares import current_session
from services import inbox
from services.clock import Clock
from services.coalesce import Coalescer
from services.db.conversations import Conversation

# A state and its data; a person in no conversation step has none.
Step = tuple[str | None, dict[str, Any]]
NOWHERE: Step = (None, {})


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._reads: Coalescer[str, Step] = Coalescer(self._read_together)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._read(key))[1])

    async def close(self) -> None:
        return None

    async def _read(self, key: StorageKey) -> Step:
        session = current_session.get()
        if session is None:
            return await self._reads(self.keys.build(key))
        row = await session.get(Conversation, self.keys.build(key))
        return (row.state, row.data) if row is not None else NOWHERE

    async def _read_together(self, keys: Sequence[str]) -> list[Step]:
        """Where several people are, read in one query: every update's state is read before
        its handler runs, and updates arriving together stay together."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(Conversation.key, Conversation.state, Conversation.data).where(
                    Conversation.key.in_(set(keys))
                )
            )
            found = {key: (state, data) for key, state, data in rows}
        return [found.get(key, NOWHERE) for key in keys]

    async def _write(self, key: StorageKey, **values: Any) -> None:
        session = current_session.get()
        if session is not None:
            await self._put(session, self.keys.build(key), values)
            return
        async with self.sessions() as own:
            # A handler that works without a unit of work changes only this: the update is
            # marked handled with it, so a repeat does not take the step twice.
            handling = inbox.current.get()
            if handling is not None:
                inbox.carry(own, [handling])
            await self._put(own, self.keys.build(key), values)
            await own.commit()

    async def _put(self, session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        row = await session.get(Conversation, key)
        if row is None:
            row = Conversation(key=key, state=None, data={})
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = self.clock.now()
        if row.state is None and not row.data:  # cleared: nothing to keep
            if row in session.new:
                session.expunge(row)
            else:
                await session.delete(row)
