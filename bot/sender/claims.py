"""The chats one sender holds (`services/outbox_claims.py`): claimed whole, a few seconds of
sending at a time, renewed while it delivers them, let go when done. A chat whose claim was
lost (this worker stalled past its lease and another took the chat) gets no further send from
here: its rows are the new holder's."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import Metrics
from services import outbox_claims
from services.clock import Clock
from services.coalesce import Coalescer
from services.db.outbox import Outbox


class ChatClaims:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        worker: str,
        lease: timedelta,
        rows: int,
        per_chat: int,
        metrics: Metrics,
        chats: int = 1,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.worker = worker
        self.lease = lease
        self.rows = rows
        self.per_chat = per_chat
        # Chats held at least, where there are as many due: each sends only at its own rate,
        # so fewer would leave the budget unused however many rows they hold.
        self.chats = chats
        self.metrics = metrics
        self.busy: dict[int, int] = {}
        # Which claim each busy chat is under, numbered as made: a renewal judges only the
        # claims it asked about, not one made (or made again) while it was on its way.
        self._claim_of: dict[int, int] = {}
        self._numbers = itertools.count()
        self._lost: set[int] = set()
        # Chats let go of already, with the record of their last message.
        self._let_go: set[int] = set()
        self._releases: Coalescer[int, None] = Coalescer(self._release)

    @property
    def nearly_full(self) -> bool:
        """Claims are made in steps of a quarter: each is a query, and one per finished chat
        would take the event loop's time from sending. Fewer chats than `chats` held is not
        full, whatever their rows."""
        if len(self.busy) < self.chats * 3 // 4:
            return False
        return sum(self.busy.values()) > self.rows * 3 // 4

    async def claim(self) -> dict[int, list[Outbox]]:
        room = max(
            self.rows - sum(self.busy.values()),
            (self.chats - len(self.busy)) * self.per_chat,
        )
        if room <= 0:
            return {}
        async with self.sessions() as session:
            now = self.clock.now()
            claimed = await outbox_claims.claim(
                session, self.worker, now, self.lease, room, self.per_chat, set(self.busy)
            )
        self.metrics.reclaimed("outbox_chat", claimed.taken_over)
        for chat_id, rows in claimed.rows.items():
            self.busy[chat_id] = len(rows)
            self._claim_of[chat_id] = next(self._numbers)
        return claimed.rows

    def sent(self, chat_id: int, rows: int) -> None:
        """These many of the chat's claimed rows are done with (sent, or given up): what is
        held is what is left to send, so a chat waiting is claimed once the rows claimed
        before it are mostly sent, not only once their chats are all done."""
        if chat_id in self.busy:
            self.busy[chat_id] = max(0, self.busy[chat_id] - rows)

    def holds(self, chat_id: int) -> bool:
        return chat_id not in self._lost

    async def renew(self) -> None:
        """Extend the claims of the chats being delivered. A claim asked about and not found
        was taken by another worker; a chat claimed while the renewal was on its way is not
        among those asked about, and is held."""
        asked = dict(self._claim_of)
        async with self.sessions() as session:
            until = self.clock.now() + self.lease
            held = await outbox_claims.renew(session, self.worker, list(asked), until)
        self._lost |= {
            chat_id
            for chat_id, number in asked.items()
            if chat_id not in held and self._claim_of.get(chat_id) == number
        }

    def let_go_with_record(self, chats: Sequence[int]) -> None:
        """These chats' claims were let go by the commit that recorded their last message."""
        self._let_go.update(chats)

    async def done(self, chat_id: int) -> None:
        self.busy.pop(chat_id, None)
        self._claim_of.pop(chat_id, None)
        lost = chat_id in self._lost
        self._lost.discard(chat_id)
        if chat_id in self._let_go:
            self._let_go.discard(chat_id)
            return
        if not lost:
            await self._releases(chat_id)

    async def _release(self, chats: Sequence[int]) -> list[None]:
        async with self.sessions() as session:
            await outbox_claims.release(session, self.worker, chats)
        return [None] * len(chats)
