"""What the step-by-step rule builder offers on its buttons: the active stages in order, the
people who can be named (owners and active managers), the active fields, and the names a
rule's parts are said with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.users import User
from services.field_kinds import FieldView
from services.rules.manage import Lookup, lookup
from services.stages import StageView, active_stages, view
from services.users import full_name


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str


@dataclass(frozen=True)
class Offer:
    stages: list[StageView]
    people: list[Person]
    fields: list[FieldView]
    lookup: Lookup

    def stage(self, stage_id: int) -> StageView | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def person(self, user_id: int) -> Person | None:
        return next((p for p in self.people if p.user_id == user_id), None)

    def field(self, field_id: int) -> FieldView | None:
        return next((f for f in self.fields if f.field_id == field_id), None)

    def field_by_key(self, key: str) -> FieldView | None:
        return next((f for f in self.fields if f.key == key), None)


async def offer(session: AsyncSession, actor: Actor) -> Offer:
    require_owner(actor)
    people = await session.scalars(
        select(User)
        .where(
            ((User.role == "owner") | ((User.role == "manager") & User.is_active)),
            User.blocked.is_(False),
        )
        .order_by(User.role.desc(), User.first_name, User.id)
    )
    named = await lookup(session)
    return Offer(
        [view(stage) for stage in await active_stages(session)],
        [Person(user.id, full_name(user)) for user in people],
        list(named.fields.values()),
        named,
    )
