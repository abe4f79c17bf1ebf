"""The pipeline's stages: their order, names per language, and the owner's changes to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services import events
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.db.deals import Deal, Stage
from services.errors import ErrorCode, InvalidInput, NotFound

OPEN, WON, LOST = "open", "won", "lost"
NAME_LENGTH = 64
_KIND_ORDER = {OPEN: 0, WON: 1, LOST: 2}
_S = TypeVar("_S", Stage, "StageView")


@dataclass(frozen=True)
class StageView:
    id: int
    kind: str
    names: dict[str, str]
    notify: bool
    open_deals: int = 0
    # A deal entering it holds its items' stock (services/stock.py).
    reserves: bool = False


def view(stage: Stage, open_deals: int = 0) -> StageView:
    return StageView(
        stage.id, stage.kind, dict(stage.names), stage.notify_customer, open_deals, stage.reserves
    )


async def active_stages(session: AsyncSession) -> list[Stage]:
    """Open stages in the owner's order, then the won and lost ones."""
    rows = await session.scalars(select(Stage).where(Stage.deleted_at.is_(None)))
    return sorted(rows.all(), key=lambda s: (_KIND_ORDER.get(s.kind, 3), s.position, s.id))


def flow(stages: list[Stage]) -> list[Stage]:
    """The stages a deal walks through with Next: every open stage, then won."""
    return [s for s in stages if s.kind in (OPEN, WON)]


async def overview(session: AsyncSession, actor: Actor) -> list[StageView]:
    require_owner(actor)
    counts = dict(
        (
            await session.execute(
                select(Deal.stage_id, func.count())
                .where(Deal.closed_at.is_(None))
                .group_by(Deal.stage_id)
            )
        ).all()
    )
    return [view(s, counts.get(s.id, 0)) for s in await active_stages(session)]


@dataclass(frozen=True)
class StageDetail:
    stage: StageView
    can_move_up: bool
    can_move_down: bool
    can_delete: bool
    targets: list[StageView]


async def detail(session: AsyncSession, actor: Actor, stage_id: int) -> StageDetail:
    stages = await overview(session, actor)
    stage = _find(stages, stage_id)
    opens = [s for s in stages if s.kind == OPEN]
    index = opens.index(stage) if stage in opens else -1
    return StageDetail(
        stage=stage,
        can_move_up=index > 0,
        can_move_down=0 <= index < len(opens) - 1,
        can_delete=index >= 0 and len(opens) > 1,
        targets=[s for s in opens if s.id != stage.id],
    )


def _find(stages: list[_S], stage_id: int) -> _S:
    for stage in stages:
        if stage.id == stage_id:
            return stage
    raise NotFound()


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise InvalidInput(ErrorCode.STAGE_NAME)
    return name


async def add(session: AsyncSession, actor: Actor, name: str, now: datetime) -> list[StageView]:
    """A new open stage, last before Won; one name for every language until renamed."""
    require_owner(actor)
    name = clean_name(name)
    stages = await active_stages(session)
    stage = Stage(
        kind=OPEN, names=dict.fromkeys(SUPPORTED_LOCALES, name), notify_customer=False, position=0
    )
    session.add(stage)
    opens = [s for s in stages if s.kind == OPEN]
    _renumber([*opens, stage, *(s for s in stages if s.kind != OPEN)])
    await session.flush()
    events.record(session, None, actor.user_id, "stage_added", now, to_value=stage.id)
    await session.commit()
    return await overview(session, actor)


async def rename(
    session: AsyncSession, actor: Actor, stage_id: int, language: str, name: str, now: datetime
) -> StageDetail:
    require_owner(actor)
    if language not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    name = clean_name(name)
    stage = _find(await active_stages(session), stage_id)
    old = stage.names.get(language)
    # A new dict, so SQLAlchemy sees the JSON column change.
    stage.names = {**stage.names, language: name}
    events.record(
        session,
        None,
        actor.user_id,
        "stage_renamed",
        now,
        f"{language}:{old}",
        f"{language}:{name}",
    )
    await session.commit()
    return await detail(session, actor, stage_id)


async def shift(
    session: AsyncSession, actor: Actor, stage_id: int, up: bool, now: datetime
) -> StageDetail:
    """Swap an open stage with its neighbour; Won and Lost always stay last."""
    require_owner(actor)
    stages = await active_stages(session)
    stage = _find(stages, stage_id)
    opens = [s for s in stages if s.kind == OPEN]
    if stage not in opens:
        raise InvalidInput(ErrorCode.STAGE_FIXED)
    index = opens.index(stage)
    other = index - 1 if up else index + 1
    if 0 <= other < len(opens):
        opens[index], opens[other] = opens[other], opens[index]
        _renumber([*opens, *(s for s in stages if s.kind != OPEN)])
        events.record(session, None, actor.user_id, "stage_moved", now, index + 1, other + 1)
        await session.commit()
    return await detail(session, actor, stage_id)


async def toggle_notify(
    session: AsyncSession, actor: Actor, stage_id: int, now: datetime
) -> StageDetail:
    return await _toggle(session, actor, stage_id, now, "notify_customer", "stage_notify")


async def toggle_reserves(
    session: AsyncSession, actor: Actor, stage_id: int, now: datetime
) -> StageDetail:
    """Whether deals moved into an open stage from now on hold their items' stock; the deals
    there already keep what they hold, or hold nothing."""
    return await _toggle(session, actor, stage_id, now, "reserves", "stage_reserves")


async def _toggle(
    session: AsyncSession, actor: Actor, stage_id: int, now: datetime, column: str, kind: str
) -> StageDetail:
    require_owner(actor)
    stage = _find(await active_stages(session), stage_id)
    if column == "reserves" and stage.kind != OPEN:
        raise InvalidInput(ErrorCode.STAGE_RESERVES)
    on = not getattr(stage, column)
    setattr(stage, column, on)
    events.record(session, None, actor.user_id, kind, now, not on, on)
    await session.commit()
    return await detail(session, actor, stage_id)


async def delete(
    session: AsyncSession, actor: Actor, stage_id: int, target_id: int, now: datetime
) -> tuple[int, list[StageView]]:
    """Delete an open stage, moving its open deals to another open stage: how many, and the
    pipeline after."""
    require_owner(actor)
    stages = await active_stages(session)
    stage = _find(stages, stage_id)
    target = _find(stages, target_id)
    opens = [s for s in stages if s.kind == OPEN]
    if stage not in opens or target not in opens or target is stage:
        raise InvalidInput(ErrorCode.STAGE_FIXED)
    deal_ids = list(
        await session.scalars(
            select(Deal.id).where(Deal.stage_id == stage.id, Deal.closed_at.is_(None))
        )
    )
    if deal_ids:
        # Moved deals change version, so cards showing the old stage refresh before acting.
        await session.execute(
            update(Deal)
            .where(Deal.id.in_(deal_ids))
            .values(stage_id=target.id, version=Deal.version + 1)
            .execution_options(synchronize_session=False)
        )
    for deal_id in deal_ids:
        events.record(session, deal_id, actor.user_id, "stage", now, stage.id, target.id)
    stage.deleted_at = now
    _renumber([s for s in stages if s is not stage])
    events.record(session, None, actor.user_id, "stage_deleted", now, stage.id, target.id)
    await session.commit()
    return len(deal_ids), await overview(session, actor)


def _renumber(stages: list[Stage]) -> None:
    for position, stage in enumerate(stages, start=1):
        stage.position = position
