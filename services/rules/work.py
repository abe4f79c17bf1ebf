"""What one evaluation of the rules writes, gathered and written together (a statement per kind
of row, not per run), and what its actions look up, read once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services import events, outbox
from services.assignment import WorkingHours
from services.db.deals import Stage
from services.db.engine import is_postgres
from services.db.rules import DealTag
from services.db.users import User
from services.field_kinds import FieldView
from services.field_views import definitions


@dataclass
class Work:
    session: AsyncSession
    now: datetime
    hours: WorkingHours
    events: list[events.EventRow] = field(default_factory=list)
    queued: list[outbox.QueuedRow] = field(default_factory=list)
    tagged: list[dict[str, Any]] = field(default_factory=list)
    untagged: list[tuple[int, str]] = field(default_factory=list)
    _people: dict[int, User | None] = field(default_factory=dict)
    _stages: dict[int, Stage | None] = field(default_factory=dict)
    _owners: list[User] | None = None
    _fields: dict[str, FieldView] | None = None

    def record(self, deal_id: int, kind: str, old: object, new: object, rule_id: int) -> None:
        self.events.append(events.noted(deal_id, None, kind, self.now, old, new, rule_id))

    async def staff(self, user_id: int) -> User | None:
        """An owner, or an active manager, who has not blocked the bot."""
        if user_id not in self._people:
            user = await self.session.get(User, user_id)
            usable = user is not None and not user.blocked
            staff = (
                usable
                and user is not None
                and (user.role == "owner" or (user.role == "manager" and user.is_active))
            )
            self._people[user_id] = user if staff else None
        return self._people[user_id]

    async def owners(self) -> list[User]:
        if self._owners is None:
            self._owners = list(
                await self.session.scalars(
                    select(User)
                    .where(User.role == "owner", User.blocked.is_(False))
                    .order_by(User.id)
                )
            )
        return self._owners

    async def stage(self, stage_id: int) -> Stage | None:
        if stage_id not in self._stages:
            stage = await self.session.get(Stage, stage_id)
            self._stages[stage_id] = None if stage is None or stage.deleted_at else stage
        return self._stages[stage_id]

    async def fields(self) -> dict[str, FieldView]:
        if self._fields is None:
            self._fields = {f.key: f for f in await definitions(self.session)}
        return self._fields

    async def flush(self) -> None:
        """Write what was gathered: before anything reads it back, and before the commit."""
        if self.tagged:
            dialect = postgresql if is_postgres(self.session) else sqlite
            await self.session.execute(
                dialect.insert(DealTag).values(self.tagged).on_conflict_do_nothing()
            )
        if self.untagged:
            await self.session.execute(
                delete(DealTag).where(tuple_(DealTag.deal_id, DealTag.tag).in_(self.untagged))
            )
        await events.record_all(self.session, self.events)
        await outbox.enqueue_all(self.session, self.queued)
        self.events, self.queued, self.tagged, self.untagged = [], [], [], []
