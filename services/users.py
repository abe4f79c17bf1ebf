"""Telegram accounts and their roles."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnElement

from services.access import CUSTOMER, MANAGER, OWNER, SUPPORTED_LOCALES, Actor, require_owner
from services.db.deals import Deal
from services.db.engine import is_postgres
from services.db.users import User
from services.errors import ErrorCode, InvalidInput, NotFound
from services.reports.worktime import Schedule

# Built once: every update looks its sender up, and building the statement costs more than
# running it.
BY_TG_ID = select(User).where(User.tg_id == bindparam("tg_id"))
_BY_TG_IDS = select(User).where(User.tg_id.in_(bindparam("tg_ids", expanding=True)))
_BY_IDS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class TelegramProfile:
    tg_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


async def sync_user(
    session: AsyncSession, profile: TelegramProfile, owner_ids: list[int], now: datetime
) -> User:
    """Find or create the account behind an update and keep its profile current."""
    [user] = await sync_users(session, [profile], owner_ids, now)
    return user


async def sync_users(
    session: AsyncSession, profiles: Sequence[TelegramProfile], owner_ids: list[int], now: datetime
) -> list[User]:
    """The accounts behind several updates, found with one query and created with one insert;
    a person behind two of the updates is one account."""
    tg_ids = list({profile.tg_id for profile in profiles})
    if len(tg_ids) == 1:
        found = list(await session.scalars(BY_TG_ID, {"tg_id": tg_ids[0]}))
    else:
        found = list(await session.scalars(_BY_TG_IDS, {"tg_ids": tg_ids}))
    users = {user.tg_id: user for user in found}
    new: dict[int, dict[str, object]] = {}
    for profile in profiles:
        user = users.get(profile.tg_id)
        if user is None:
            new[profile.tg_id] = {
                "tg_id": profile.tg_id,
                "created_at": now,
                "role": _role(CUSTOMER, profile.tg_id, owner_ids),
                **_profile(profile),
            }
        else:
            _apply(user, profile, owner_ids)
    if new:
        # One statement for all of them (the ORM would insert them one by one to learn each
        # id); the rows come back in no set order, so they are matched by Telegram id.
        created = await session.scalars(insert(User).returning(User), list(new.values()))
        users.update((user.tg_id, user) for user in created)
    await session.flush()
    return [users[profile.tg_id] for profile in profiles]


async def by_ids(session: AsyncSession, ids: Collection[int]) -> dict[int, User]:
    """Several accounts by id, in one query."""
    return {user.id: user for user in await session.scalars(_BY_IDS, {"ids": list(ids)})}


def _apply(user: User, profile: TelegramProfile, owner_ids: list[int]) -> None:
    user.role = _role(user.role, profile.tg_id, owner_ids)
    for key, value in _profile(profile).items():
        setattr(user, key, value)


def _role(current: str, tg_id: int, owner_ids: list[int]) -> str:
    if tg_id in owner_ids:
        return OWNER
    return MANAGER if current == OWNER else current


def _profile(profile: TelegramProfile) -> dict[str, object]:
    return {
        "first_name": profile.first_name[:128],
        "last_name": profile.last_name,
        "username": profile.username,
        "tg_language": profile.language_code,
        # Writing to the bot means it is no longer blocked (a 403 had marked it so).
        "blocked": False,
    }


async def ensure_owners(session: AsyncSession, owner_ids: list[int], now: datetime) -> None:
    """Owners can receive requests before they ever write to the bot."""
    known = set(await session.scalars(select(User.tg_id).where(User.tg_id.in_(owner_ids))))
    missing = [tg_id for tg_id in owner_ids if tg_id not in known]
    if missing:
        # Processes starting together each try: the unique key lets one row in.
        dialect = postgresql if is_postgres(session) else sqlite
        await session.execute(
            dialect.insert(User).on_conflict_do_nothing(index_elements=[User.tg_id]),
            [
                {"tg_id": tg_id, "role": OWNER, "first_name": "", "created_at": now}
                for tg_id in missing
            ],
        )
    await session.commit()


async def set_language(session: AsyncSession, actor: Actor, language: str) -> None:
    if language not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    user = await session.get_one(User, actor.user_id)
    user.language = language
    await session.commit()


async def toggle_duty(session: AsyncSession, actor: Actor) -> bool:
    user = await session.get_one(User, actor.user_id)
    user.on_duty = not user.on_duty
    await session.commit()
    return user.on_duty


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    tg_id: int
    name: str
    username: str | None
    is_active: bool
    on_duty: bool
    open_deals: int
    level: int = 1
    capacity: int | None = None
    languages: tuple[str, ...] = SUPPORTED_LOCALES
    tags: tuple[str, ...] = ()
    # Their own working hours; None: the company's.
    hours: Schedule | None = None


async def team(session: AsyncSession, actor: Actor) -> list[TeamMember]:
    return await _members(session, actor, User.role == MANAGER)


async def member(session: AsyncSession, actor: Actor, user_id: int) -> TeamMember:
    """One manager as the owner's team list shows them."""
    found = await _members(session, actor, User.role == MANAGER, User.id == user_id)
    if not found:
        raise NotFound()
    return found[0]


async def _members(
    session: AsyncSession, actor: Actor, *where: ColumnElement[bool]
) -> list[TeamMember]:
    require_owner(actor)
    open_deals = (
        select(Deal.manager_id, func.count().label("n"))
        .where(Deal.closed_at.is_(None))
        .group_by(Deal.manager_id)
        .subquery()
    )
    rows = await session.execute(
        select(User, func.coalesce(open_deals.c.n, 0))
        .outerjoin(open_deals, open_deals.c.manager_id == User.id)
        .where(*where)
        .order_by(User.is_active.desc(), User.first_name, User.id)
    )
    return [
        TeamMember(
            u.id,
            u.tg_id,
            full_name(u),
            u.username,
            u.is_active,
            u.on_duty,
            int(n),
            u.level,
            u.capacity,
            tuple(u.languages.split()),
            tuple(u.tags.split()),
            own_hours(u),
        )
        for u, n in rows.all()
    ]


async def staff(session: AsyncSession) -> list[User]:
    """Accounts whose command menu differs from a customer's."""
    rows = await session.scalars(
        select(User).where((User.role == OWNER) | ((User.role == MANAGER) & User.is_active))
    )
    return list(rows)


async def get_manager(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or user.role != MANAGER:
        raise NotFound()
    return user


def own_hours(manager: User) -> Schedule | None:
    if manager.work_days is None or manager.work_start is None or manager.work_end is None:
        return None
    return Schedule.from_mask(manager.work_days, manager.work_start, manager.work_end)


def full_name(user: User) -> str:
    return name_of(user.first_name, user.last_name, user.tg_id)


def name_of(first_name: str | None, last_name: str | None, tg_id: int) -> str:
    return " ".join(part for part in (first_name, last_name) if part) or str(tg_id)


async def responsible(session: AsyncSession, deal: Deal) -> list[User]:
    """Who is told of what happens to a deal: its manager, while they can be reached; else
    the owners."""
    manager = await session.get(User, deal.manager_id) if deal.manager_id else None
    if manager is not None and manager.is_active and not manager.blocked:
        return [manager]
    return await reachable_owners(session)


async def reachable_owners(session: AsyncSession) -> list[User]:
    """The owners who have not blocked the bot, first come first."""
    owners = select(User).where(User.role == OWNER, User.blocked.is_(False)).order_by(User.id)
    return list(await session.scalars(owners))
