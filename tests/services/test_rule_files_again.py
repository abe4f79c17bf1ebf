"""The rules file sent to a business that has rules already: what the file has just so stays as
it is (sending the same file again wakes no time rule again), the rest is replaced, and the
standard rules come and go with the file."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import ManualClock
from services.db.deals import Event
from services.db.fields import FieldDef
from services.db.rules import Rule, RuleTimer, StandardRule
from services.rules import files, manage, standard
from services.rules.sweep import sweep
from tests.support.rule_files import DEFAULTS, business, forget_everything, webhook_keys
from tests.support.seed import setup_deal


async def test_the_standard_rules_go_out_and_come_back_as_they_were(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _manager = await business(session, clock)
    now = clock.now()
    await standard.change(session, owner, "callback", 0, (30,), now, DEFAULTS)
    await standard.switch(session, owner, "callback", 1, now, DEFAULTS)
    await standard.change(session, owner, "renewals", 0, (14, 1), now, DEFAULTS)
    text = await files.export(session, owner, DEFAULTS)
    assert (
        "standard:\n"
        "  escalation:\n    enabled: true\n    minutes: 15\n"
        "  callback:\n    enabled: false\n    minutes: 30\n"
        "  renewals:\n    enabled: true\n    days:\n      - 14\n      - 1\n"
        "  stage_notices:\n    enabled: true\n"
        "  overdue:\n    enabled: true\n    minutes: 1440\n"
        "  feedback:\n    enabled: true\n    ask_on: 1\n"
        "rules:\n"
    ) in text
    await forget_everything(session)
    await session.execute(delete(StandardRule))
    await session.commit()
    await files.import_file(session, owner, text, clock.now())
    assert await files.export(session, owner, DEFAULTS) == text
    found = await standard.overview(session, owner, DEFAULTS)
    assert [(r.enabled, r.value) for r in found] == [
        (True, (15,)),
        (False, (30,)),
        (True, (14, 1)),
        (True, ()),
        (True, (1440,)),
        (True, (1,)),
    ]
    # A file without the section leaves the standard rules as they are.
    await files.import_file(session, owner, "version: 1\nrules: []\n", clock.now())
    again = await standard.overview(session, owner, DEFAULTS)
    assert [(r.enabled, r.value) for r in again] == [(r.enabled, r.value) for r in found]


async def test_import_on_the_same_business_replaces_the_rules_and_updates_fields(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _manager = await business(session, clock)
    before = {rule.name: rule.id for rule in await session.scalars(select(Rule))}
    keys_before = await webhook_keys(session)
    text = await files.export(session, owner, DEFAULTS)
    text = (
        text.replace("en: Payment", "en: Payment method")
        .replace("stage: Invoice sent", "stage: invoice SENT")
        .replace("name: Telegram to the manager", "name: Telegram to Anna")
    )
    clock.advance(timedelta(hours=1))

    imported = await files.import_file(session, owner, text, clock.now())

    # The renamed rule and the one acting after another are made anew; the two the file has
    # just so (a stage's name written differently is the same stage) stay as they are.
    assert imported == files.Imported(
        fields_added=0, fields_updated=1, rules_removed=2, rules_added=2, rules_kept=2
    )
    rows = await session.scalars(select(Rule).order_by(Rule.id))
    assert [(r.name, r.deleted_at, r.position) for r in rows] == [
        ("Proposal follow-up", None, 1),
        ("Telegram to the manager", clock.now(), 2),
        ("Tell the owners", clock.now(), 3),
        ("Service visit", None, 4),
        ("Telegram to Anna", None, 2),
        ("Tell the owners", None, 3),
    ]
    acting = await session.scalar(select(Rule).where(Rule.id == 6))
    assert acting is not None and acting.trigger["rule"] == before["Proposal follow-up"]
    payment = await session.scalar(select(FieldDef).where(FieldDef.key == "payment"))
    assert payment is not None and payment.names["en"] == "Payment method"
    assert await session.scalar(select(func.count()).select_from(FieldDef)) == 3
    kinds = await session.scalars(
        select(Event.kind).where(Event.created_at == clock.now()).order_by(Event.id)
    )
    assert list(kinds) == ["rule_deleted"] * 2 + ["rule_added"] * 2
    # A webhook sent back to the same address keeps its key: the receiver still checks it.
    assert await webhook_keys(session) == keys_before


async def test_the_same_file_sent_again_does_not_wake_its_time_rules_again(
    session: AsyncSession, clock: ManualClock
) -> None:
    _manager, owner, _customer = await setup_deal(session, clock)
    await manage.create(
        session,
        owner,
        {
            "name": "Nobody took it",
            "when": {"event": "no_response", "minutes": 15},
            "then": [{"do": "message", "to": "owners", "text": "Request #{number} waits"}],
        },
        clock.now(),
    )
    clock.advance(timedelta(minutes=16))
    assert await sweep(session, clock.now()) == 1
    told = await session.scalar(select(func.count()).select_from(Event))
    text = await files.export(session, owner, DEFAULTS)

    imported = await files.import_file(session, owner, text, clock.now())

    assert (imported.rules_kept, imported.rules_removed, imported.rules_added) == (1, 0, 0)
    assert await session.scalar(select(func.count()).select_from(RuleTimer)) == 0
    clock.advance(timedelta(minutes=1))
    assert await sweep(session, clock.now()) == 0
    assert await session.scalar(select(func.count()).select_from(Event)) == told
