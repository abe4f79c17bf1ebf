"""Fields: each kind typed in en, az and ru, who may define and fill them, and the history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import fields
from services.clock import ManualClock
from services.db.deals import Event
from services.db.fields import FieldValue
from services.errors import AccessDenied, ErrorCode, FieldRejected, InvalidInput, NotFound
from services.field_kinds import FieldView, from_json, from_text
from services.views import deal_card
from tests.support.seed import actor, add_user, setup_deal


def field(kind: str) -> FieldView:
    return FieldView(1, "deal", "f", kind, {"en": "F"}, (), 1, True)


@pytest.mark.parametrize(
    ("kind", "locale", "typed", "stored"),
    [
        ("money", "en", "1,234.50", "1234.50"),
        ("money", "az", "1 234,50", "1234.50"),
        ("money", "ru", "1 234,50", "1234.50"),
        ("number", "en", "-1,234.5", "-1234.5"),
        ("number", "ru", "0,125", "0.125"),
        ("number", "az", "1000", "1000"),
        ("date", "en", "31.12.2026", "2026-12-31"),
        ("date", "ru", "2026-02-03", "2026-02-03"),
        ("text", "az", "  Sabah 10-da  ", "Sabah 10-da"),
    ],
)
def test_typed_values_are_read_in_the_readers_locale(
    kind: str, locale: str, typed: str, stored: str
) -> None:
    assert from_text(field(kind), typed, locale) == stored


@pytest.mark.parametrize(
    ("kind", "locale", "typed", "code"),
    [
        ("money", "en", "1 234,50", ErrorCode.AMOUNT),
        ("money", "ru", "-5", ErrorCode.NEGATIVE_AMOUNT),
        ("money", "en", "1.234", ErrorCode.AMOUNT),
        ("number", "en", "1e5", ErrorCode.FIELD_NUMBER),
        ("date", "en", "31.02.2026", ErrorCode.FIELD_DATE),
        ("date", "az", "tomorrow", ErrorCode.FIELD_DATE),
        ("text", "en", "x" * 501, ErrorCode.FIELD_TEXT),
        ("yes_no", "en", "yes", ErrorCode.FIELD_CHOICE),
    ],
)
def test_a_bad_value_names_its_field(kind: str, locale: str, typed: str, code: ErrorCode) -> None:
    with pytest.raises(FieldRejected) as refused:
        from_text(field(kind), typed, locale)
    assert (refused.value.code, refused.value.key) == (code, "f")


def test_json_values() -> None:
    assert from_json(field("money"), 150.5) == "150.50"
    assert from_json(field("number"), "12.50") == "12.5"
    assert from_json(field("yes_no"), False) == "no"
    assert from_json(field("date"), "2026-12-31") == "2026-12-31"
    for kind, value in (("number", True), ("money", 0.001), ("date", 20261231), ("text", "")):
        with pytest.raises(FieldRejected):
            from_json(field(kind), value)


async def test_only_owners_define_and_the_responsible_manager_or_owner_fills(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, customer = await setup_deal(session, clock)
    other = actor(await add_user(session, 11, "manager", clock))
    for who in (manager, customer):
        with pytest.raises(AccessDenied):
            await fields.add(session, who, "deal", "text", {"en": "Size"}, None, clock.now())
    size = await fields.add(session, owner, "deal", "date", {"en": "Delivery"}, None, clock.now())
    assert (size.key, size.names) == ("delivery", {"en": "Delivery"})
    with pytest.raises(AccessDenied):
        await fields.set_typed(session, other, 1, size.field_id, "01.03.2026", clock.now())
    with pytest.raises(InvalidInput):
        await fields.add(session, owner, "deal", "choice", {"en": "Pay"}, "\n", clock.now())

    await fields.set_typed(session, manager, 1, size.field_id, "01.03.2026", clock.now())
    await fields.set_typed(session, owner, 1, size.field_id, "2026-03-05", clock.now())
    events = (await session.scalars(select(Event).where(Event.kind.startswith("field:")))).all()
    assert [(e.from_value, e.to_value) for e in events] == [
        (None, "2026-03-01"),
        ("2026-03-01", "2026-03-05"),
    ]
    card = await deal_card(session, 1)
    assert [(s.field.key, s.value) for s in card.fields] == [("delivery", date(2026, 3, 5))]


async def test_a_switched_off_field_is_hidden_but_its_values_are_kept(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    vip = await fields.add(session, owner, "customer", "yes_no", {"en": "VIP"}, None, clock.now())
    await fields.set_picked(session, manager, 1, vip.field_id, 1, clock.now())
    await fields.switch(session, owner, vip.field_id)
    assert (await deal_card(session, 1)).fields == ()
    assert (await fields.of_deal(session, manager, 1)).fields == []
    with pytest.raises(NotFound):
        await fields.set_picked(session, manager, 1, vip.field_id, 0, clock.now())
    assert (await session.scalars(select(FieldValue.value))).all() == ["yes"]
    again = await fields.switch(session, owner, vip.field_id)
    assert (await deal_card(session, 1)).fields[0].field == again
    assert (await fields.of_deal(session, manager, 1)).values == {vip.field_id: True}


async def test_choices_are_keyed_and_named_in_each_language(
    session: AsyncSession, clock: ManualClock
) -> None:
    manager, owner, _ = await setup_deal(session, clock)
    pay = await fields.add(
        session, owner, "deal", "choice", {"en": "Payment", "ru": "Оплата"},
        "Cash / Nağd / Наличные\nBank transfer", clock.now(),
    )  # fmt: skip
    assert [(c.key, c.names) for c in pay.choices] == [
        ("cash", {"en": "Cash", "az": "Nağd", "ru": "Наличные"}),
        ("bank_transfer", {"en": "Bank transfer"}),
    ]
    _, value = await fields.set_picked(session, manager, 1, pay.field_id, 1, clock.now())
    assert value == "bank_transfer"
    moved = await fields.shift(session, owner, pay.field_id, up=True)
    assert moved.position == pay.position
    second = await fields.add(session, owner, "deal", "number", {"en": "Qty"}, None, clock.now())
    up = await fields.shift(session, owner, second.field_id, up=True)
    assert up.position == pay.position
