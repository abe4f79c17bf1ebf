"""Fields the business needs: the owner defines them for deals and customers (named in every
language), managers fill them in on the deals they work; each change is in the deal's history,
written in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import log_context
from services.access import SUPPORTED_LOCALES, Actor, require_deal, require_owner
from services.conversation import get_deal
from services.db.deals import Deal
from services.db.fields import FieldDef
from services.errors import ErrorCode, FieldRejected, InvalidInput, NotFound
from services.field_kinds import (
    CHOICE,
    ENTITIES,
    KINDS,
    FieldView,
    Typed,
    from_button,
    from_json,
    from_text,
    slug,
    to_json,
    typed,
)
from services.field_views import definitions, view
from services.field_writes import Prepared, on_deal, stored_values, write
from services.rules.engine import fire

NAME_LENGTH = 64
MAX_CHOICES = 20


def clean_name(text: str) -> str:
    name = " ".join(text.split())
    if not 1 <= len(name) <= NAME_LENGTH:
        raise InvalidInput(ErrorCode.FIELD_NAME)
    return name


def parse_choices(text: str) -> list[dict[str, object]]:
    """One option a line; "Cash / Nağd / Наличные" names it in English, Azerbaijani, Russian."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not 1 <= len(lines) <= MAX_CHOICES:
        raise InvalidInput(ErrorCode.FIELD_CHOICES)
    options: list[dict[str, object]] = []
    taken: list[str] = []
    for number, line in enumerate(lines, start=1):
        parts = [part for part in line.split("/") if part.strip()]
        if not 1 <= len(parts) <= len(SUPPORTED_LOCALES):
            raise InvalidInput(ErrorCode.FIELD_CHOICES)
        try:
            names = dict(zip(SUPPORTED_LOCALES, map(clean_name, parts), strict=False))
        except InvalidInput as error:
            raise InvalidInput(ErrorCode.FIELD_CHOICES) from error
        key = slug(names["en"], taken, f"option_{number}")
        taken.append(key)
        options.append({"key": key, "names": names})
    return options


async def overview(session: AsyncSession, actor: Actor) -> list[FieldView]:
    """Every field, switched off ones too (the owner's /fields)."""
    require_owner(actor)
    return await definitions(session, active_only=False)


async def detail(session: AsyncSession, actor: Actor, field_id: int) -> FieldView:
    require_owner(actor)
    return view(await _definition(session, field_id))


async def add(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    kind: str,
    names: Mapping[str, str],
    choices: str | None,
    now: datetime,
) -> FieldView:
    """`names` has the English name at least; a language left out reads the English one."""
    require_owner(actor)
    if entity not in ENTITIES or kind not in KINDS:
        raise InvalidInput()
    cleaned = {code: clean_name(name) for code, name in names.items() if code in SUPPORTED_LOCALES}
    if "en" not in cleaned:
        raise InvalidInput(ErrorCode.FIELD_NAME)
    options = parse_choices(choices or "") if kind == CHOICE else []
    taken = set(await session.scalars(select(FieldDef.key).where(FieldDef.entity == entity)))
    last = await session.scalar(
        select(func.max(FieldDef.position)).where(FieldDef.entity == entity)
    )
    row = FieldDef(
        entity=entity,
        key=slug(cleaned["en"], taken, "field"),
        kind=kind,
        names=cleaned,
        choices=options,
        position=(last or 0) + 1,
        active=True,
        created_at=now,
    )
    session.add(row)
    await session.commit()
    return view(row)


async def rename(
    session: AsyncSession, actor: Actor, field_id: int, language: str, name: str
) -> FieldView:
    require_owner(actor)
    if language not in SUPPORTED_LOCALES:
        raise InvalidInput(ErrorCode.LANGUAGE)
    row = await _definition(session, field_id)
    row.names = {**row.names, language: clean_name(name)}
    await session.commit()
    return view(row)


async def shift(session: AsyncSession, actor: Actor, field_id: int, up: bool) -> FieldView:
    """Swap places with the neighbouring field of the same entity; at the end, stay."""
    require_owner(actor)
    row = await _definition(session, field_id)
    neighbour = await session.scalar(
        select(FieldDef)
        .where(
            FieldDef.entity == row.entity,
            FieldDef.position < row.position if up else FieldDef.position > row.position,
        )
        .order_by(FieldDef.position.desc() if up else FieldDef.position)
        .limit(1)
    )
    if neighbour is not None:
        row.position, neighbour.position = neighbour.position, row.position
        await session.commit()
    return view(row)


async def switch(session: AsyncSession, actor: Actor, field_id: int) -> FieldView:
    """Off: hidden everywhere, its values kept; on again: they show again."""
    require_owner(actor)
    row = await _definition(session, field_id)
    row.active = not row.active
    await session.commit()
    return view(row)


async def _definition(session: AsyncSession, field_id: int) -> FieldDef:
    row = await session.get(FieldDef, field_id)
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class DealFields:
    """The active fields a deal's card can fill, with the values they have."""

    deal_id: int
    fields: list[FieldView]
    values: dict[int, Typed]


async def of_deal(session: AsyncSession, actor: Actor, deal_id: int) -> DealFields:
    deal = await _deal(session, actor, deal_id)
    fields = await definitions(session)
    stored = await stored_values(session, on_deal(deal), fields)
    values = {f.field_id: typed(f, stored[f.field_id]) for f in fields if f.field_id in stored}
    return DealFields(deal_id, fields, values)


async def one_of_deal(
    session: AsyncSession, actor: Actor, deal_id: int, field_id: int
) -> tuple[FieldView, Typed | None]:
    """A field to fill on this deal (an active one), and its value."""
    deal = await _deal(session, actor, deal_id)
    field = await _active(session, field_id)
    stored = (await stored_values(session, on_deal(deal), [field])).get(field.field_id)
    return field, None if stored is None else typed(field, stored)


async def set_typed(
    session: AsyncSession, actor: Actor, deal_id: int, field_id: int, text: str, now: datetime
) -> tuple[FieldView, Typed]:
    """A value typed in the reader's locale; a bad one changes nothing."""
    deal = await _deal(session, actor, deal_id)
    field = await _active(session, field_id)
    stored = from_text(field, text, actor.locale)
    await _write(session, actor.user_id, deal, [(field, stored)], now)
    await session.commit()
    return field, typed(field, stored)


async def set_picked(
    session: AsyncSession, actor: Actor, deal_id: int, field_id: int, index: int, now: datetime
) -> tuple[FieldView, Typed]:
    """Yes/no or an option, picked with a button."""
    deal = await _deal(session, actor, deal_id)
    field = await _active(session, field_id)
    stored = from_button(field, index)
    await _write(session, actor.user_id, deal, [(field, stored)], now)
    await session.commit()
    return field, typed(field, stored)


async def clear(
    session: AsyncSession, actor: Actor, deal_id: int, field_id: int, now: datetime
) -> FieldView:
    deal = await _deal(session, actor, deal_id)
    field = await _active(session, field_id)
    await _write(session, actor.user_id, deal, [(field, None)], now)
    await session.commit()
    return field


async def prepare_json(
    session: AsyncSession, values: Mapping[str, object], entities: Sequence[str] = ENTITIES
) -> Prepared:
    """Values sent to the HTTP API by key (None clears), checked before anything is written:
    an unknown key or a bad value is refused naming the key."""
    by_key = {f.key: f for f in await definitions(session) if f.entity in entities}
    prepared: Prepared = []
    for key, value in values.items():
        field = by_key.get(key)
        if field is None:
            raise FieldRejected(ErrorCode.FIELD_UNKNOWN, key)
        prepared.append((field, None if value is None else from_json(field, value)))
    return prepared


async def write_prepared(
    session: AsyncSession, deal: Deal, prepared: Prepared, now: datetime
) -> None:
    """Written by the HTTP API (its token checked); the caller commits."""
    await _write(session, None, deal, prepared, now)


async def put_from_api(
    session: AsyncSession, deal_id: int, values: Mapping[str, object], now: datetime
) -> dict[str, object]:
    """Set and clear a deal's fields by key; answers every filled active field of the deal.
    Sending the same values again changes nothing."""
    log_context.about_deal(deal_id)
    # Held until the commit, so requests for one deal take turns.
    deal = await session.get(Deal, deal_id, with_for_update=True)
    if deal is None:
        raise NotFound()
    prepared = await prepare_json(session, values)
    await _write(session, None, deal, prepared, now)
    await session.commit()
    fields = await definitions(session)
    stored = await stored_values(session, on_deal(deal), fields)
    return {f.key: to_json(f, stored[f.field_id]) for f in fields if f.field_id in stored}


async def _deal(session: AsyncSession, actor: Actor, deal_id: int) -> Deal:
    log_context.about_deal(deal_id)
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    return deal


async def _active(session: AsyncSession, field_id: int) -> FieldView:
    row = await session.get(FieldDef, field_id)
    if row is None or not row.active:
        raise NotFound()
    return view(row)


async def _write(
    session: AsyncSession, actor_id: int | None, deal: Deal, prepared: Prepared, now: datetime
) -> None:
    """Write the values, and run the rules their changes trigger, in the same transaction."""
    await fire(session, await write(session, actor_id, on_deal(deal), prepared, now), now)
