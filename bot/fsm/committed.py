"""aiogram's conversation state in Redis (REDIS_URL, several workers), changed only once the
change it leads to is committed.

While a handler works in its update's unit of work, the state changes it makes are held (and
read back from here); each commit of that unit of work lets the changes made before it go, and
they are written to Redis when the handler is done. A handler that fails before committing
leaves the state as it was, so Telegram's retry, on any worker, finds the person at the same
step and finishes it: nothing they wrote is lost. (A process that dies between a commit and the
write leaves the step open, never the other way round.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.middlewares import current_session, when_done

_HELD, _COMMITTED = "conversation_held", "conversation_committed"
# Per key: the state (under "state") and the data (under "data") set meanwhile.
Changes = dict[StorageKey, dict[str, Any]]


class CommittedStorage(BaseStorage):
    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        held = self._held()
        if held is None:
            await self.inner.set_state(key, value)
        else:
            held.setdefault(key, {})["state"] = value

    async def get_state(self, key: StorageKey) -> str | None:
        change = self._latest(key)
        if "state" in change:
            state: str | None = change["state"]
            return state
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        held = self._held()
        if held is None:
            await self.inner.set_data(key, data)
        else:
            held.setdefault(key, {})["data"] = dict(data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        change = self._latest(key)
        if "data" in change:
            return dict(change["data"])
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()

    def _latest(self, key: StorageKey) -> dict[str, Any]:
        session = current_session.get()
        if session is None:
            return {}
        committed: Changes = session.info.get(_COMMITTED, {})
        held: Changes = session.info.get(_HELD, {})
        return committed.get(key, {}) | held.get(key, {})

    def _held(self) -> Changes | None:
        session = current_session.get()
        if session is None:
            return None
        held: Changes | None = session.info.get(_HELD)
        if held is None:
            held = session.info[_HELD] = {}
            if _COMMITTED not in session.info:
                session.info[_COMMITTED] = {}
                event.listen(session.sync_session, "after_commit", _let_go)
                event.listen(session.sync_session, "after_soft_rollback", _drop)
                when_done(session, lambda: self._write(session))
        return held

    async def _write(self, session: AsyncSession) -> None:
        session.info.pop(_HELD, None)
        for key, change in session.info.pop(_COMMITTED, {}).items():
            if "data" in change:
                await self.inner.set_data(key, change["data"])
            if "state" in change:
                await self.inner.set_state(key, change["state"])


def _let_go(session: Session) -> None:
    committed: Changes = session.info.setdefault(_COMMITTED, {})
    for key, change in session.info.pop(_HELD, {}).items():
        committed.setdefault(key, {}).update(change)


def _drop(session: Session, previous: object) -> None:
    session.info.pop(_HELD, None)
