"""Rules as a file: the round trip, each problem named by its line, nothing half imported, and
only the owner sending or receiving it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import fields
from services.access import Actor
from services.clock import ManualClock
from services.db.deals import Event, Stage
from services.db.fields import FieldDef
from services.db.rules import Rule, RuleTimer, StandardRule
from services.errors import AccessDenied
from services.rules import files, manage, standard
from services.rules.marked import FileInvalid
from services.rules.sweep import sweep
from tests.support.seed import actor, add_user, setup_deal

DEFAULTS = standard.Defaults(
    timedelta(minutes=15), timedelta(hours=2), (30, 7, 1), timedelta(hours=24)
)
DELIVERY_TEXT = "Hello {customer}!\nYour order #{number} ships on {field.delivery_date}."


async def stage_id(session: AsyncSession, name: str) -> int:
    stages = await session.scalars(select(Stage))
    return next(s.id for s in stages if s.names["en"] == name)


async def business(session: AsyncSession, clock: ManualClock) -> tuple[Actor, Actor]:
    """An owner (user 1), a manager (user 2), three fields and four rules touching every part
    the file writes differently from the stored form."""
    owner = actor(await add_user(session, 1, "owner", clock))
    manager = actor(await add_user(session, 10, "manager", clock))
    now = clock.now()
    await fields.add(
        session, owner, "deal", "date", {"en": "Delivery date", "ru": "Дата доставки"}, None, now
    )
    await fields.add(
        session,
        owner,
        "deal",
        "choice",
        {"en": "Payment", "az": "Ödəniş", "ru": "Оплата"},
        "Cash / Nağd / Наличные\nCard",
        now,
    )
    vip = await fields.add(session, owner, "customer", "yes_no", {"en": "VIP"}, None, now)
    await fields.switch(session, owner, vip.field_id)
    proposal = await stage_id(session, "Proposal")
    invoice = await stage_id(session, "Invoice sent")
    first = await manage.create(
        session,
        owner,
        {
            "name": "Proposal follow-up",
            "when": {"event": "stage_entered", "stage": proposal},
            "if": [
                {"fact": "amount", "op": "ge", "value": 1000},
                {"fact": "stage", "op": "in", "value": [proposal, invoice]},
                {"fact": "field:payment", "op": "eq", "value": "card"},
            ],
            "then": [
                {"do": "task", "to": manager.user_id, "after_minutes": 120, "note": "Call"},
                {"do": "message", "to": "customer", "text": {"en": DELIVERY_TEXT, "ru": "Привет"}},
                {"do": "move", "stage": invoice},
                {"do": "webhook", "url": "https://example.com/hook"},
                {"do": "set_field", "field": "delivery_date", "value": "2026-04-01"},
                {"do": "tag", "tag": "#Hot"},
            ],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Telegram to the manager",
            "when": {"event": "created", "sources": ["telegram"]},
            "then": [{"do": "assign", "user": manager.user_id}],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Tell the owners",
            "when": {"event": "rule_acted", "rule": first.rule_id},
            "then": [{"do": "message", "to": "owners", "text": "A proposal went out"}],
        },
        now,
    )
    await manage.create(
        session,
        owner,
        {
            "name": "Service visit",
            "enabled": False,
            "when": {"event": "date", "of": "field:delivery_date", "days": 30, "every_months": 6},
            "then": [{"do": "task", "to": "owners", "working": True}],
        },
        now,
    )
    return owner, manager


async def forget_everything(session: AsyncSession) -> None:
    """The same people and stages with no fields and no rules: an empty business."""
    for table in (Event, RuleTimer, Rule, FieldDef):
        await session.execute(delete(table))
    await session.commit()


async def test_export_then_import_on_an_empty_business_gives_the_same_file(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _manager = await business(session, clock)
    text = await files.export(session, owner, DEFAULTS)
    assert text.startswith(files.HEADER + "version: 1\nfields:\n  - key: delivery_date\n")
    assert "    stage: Proposal\n" in text
    assert "        stage: Invoice sent\n" in text
    assert "        value:\n          - Proposal\n          - Invoice sent\n" in text
    assert "      rule: Proposal follow-up\n" in text
    assert (
        "          en: |-\n            Hello {customer}!\n"
        "            Your order #{number} ships on {field.delivery_date}.\n"
    ) in text
    assert "secret" not in text
    before = [(v.name, v.enabled, v.spec) for v in await manage.overview(session, owner)]

    await forget_everything(session)
    imported = await files.import_file(session, owner, text, clock.now())

    assert imported == files.Imported(
        fields_added=3, fields_updated=0, rules_removed=0, rules_added=4
    )
    assert await files.export(session, owner, DEFAULTS) == text
    after = await manage.overview(session, owner)
    assert [(v.name, v.enabled) for v in after] == [(name, on) for name, on, _spec in before]
    acted = after[2].spec.trigger
    assert (acted.kind, acted.get("rule")) == ("rule_acted", after[0].rule_id)
    [webhook] = [a for a in after[0].spec.actions if a.kind == "webhook"]
    assert len(webhook.get("secret")) == 32
    vip = await session.scalar(select(FieldDef).where(FieldDef.key == "vip"))
    assert vip is not None and (vip.entity, vip.active) == ("customer", False)


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


async def webhook_keys(session: AsyncSession) -> list[str]:
    rules = await session.scalars(
        select(Rule).where(Rule.deleted_at.is_(None)).order_by(Rule.position)
    )
    return [a["secret"] for r in rules for a in r.actions if a.get("do") == "webhook"]


async def test_stage_names_are_read_in_any_language_and_case(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    stage = await session.get_one(Stage, await stage_id(session, "Proposal"))
    stage.names = {**stage.names, "ru": "Предложение"}
    await session.commit()
    text = RULE.format(when="stage_entered\n      stage: предложение", then=TAG)

    await files.import_file(session, owner, text, clock.now())

    [rule] = await manage.overview(session, owner)
    assert rule.spec.trigger.get("stage") == stage.id


TAG = "tag\n        tag: hot"
RULE = """version: 1
rules:
  - name: One
    when:
      event: {when}
    then:
      - do: {then}
"""


@pytest.mark.parametrize(
    ("text", "line", "where", "problem"),
    [
        (
            RULE.format(when="stage_entered\n      stage: Measured", then=TAG),
            6,
            "rules.1.when.stage",
            "no_stage",
        ),
        (RULE.format(when="sometime", then=TAG), 5, "rules.1.when.event", "unknown"),
        (
            RULE.format(when="created", then="assign\n        strategy: coin_toss"),
            8,
            "rules.1.then.1.strategy",
            "unknown",
        ),
        (
            RULE.format(when="created", then="assign\n        user: 77"),
            8,
            "rules.1.then.1.user",
            "no_person",
        ),
        (
            RULE.format(when="created", then="move\n        stage: Won\n      - do: fly"),
            9,
            "rules.1.then.2.do",
            "unknown",
        ),
        (
            RULE.format(when="created", then="set_field\n        field: nope"),
            8,
            "rules.1.then.1.field",
            "unknown",
        ),
        (RULE.format(when="created", then=TAG + "\n    if: a: b"), 9, "", "syntax"),
        ("version: 1\nrules:\n  - name: A\n    name: B\n", 4, "rules.1.name", "duplicate"),
        ("version: 2\nrules: []\n", 1, "version", "version"),
        ("version: 1\nfields: []\n", 1, "rules", "missing"),
        (
            "version: 1\nrules: []\nstandard:\n  callback:\n    minutes: 3\n",
            5,
            "standard.callback.minutes",
            "out_of_range",
        ),
        (
            "version: 1\nrules: []\nstandard:\n  renewals:\n    days: [30, x]\n",
            5,
            "standard.renewals.days",
            "not_whole",
        ),
        (
            "version: 1\nrules: []\nstandard:\n  stage_notices:\n    minutes: 5\n",
            5,
            "standard.stage_notices.minutes",
            "unexpected",
        ),
        ("version: 1\nrules: []\nstandard:\n  nap: {}\n", 4, "standard.nap", "unexpected"),
        (
            "version: 1\nrules: []\nfields:\n  - key: x\n    entity: deal\n    kind: colour\n",
            6,
            "fields.1.kind",
            "unknown",
        ),
    ],
)
async def test_a_problem_names_its_line_and_nothing_changes(
    session: AsyncSession, clock: ManualClock, text: str, line: int, where: str, problem: str
) -> None:
    owner, _manager = await business(session, clock)
    before = await files.export(session, owner, DEFAULTS)

    with pytest.raises(FileInvalid) as refused:
        await files.import_file(session, owner, text, clock.now())

    assert (refused.value.line, refused.value.where, refused.value.problem) == (
        line,
        where,
        problem,
    )
    assert await files.export(session, owner, DEFAULTS) == before


async def test_a_problem_found_while_writing_leaves_nothing_half_done(
    session: AsyncSession, clock: ManualClock
) -> None:
    """The field is added and the old rules deleted before the second rule's placeholder is
    found unknown: all of it is undone."""
    owner, _manager = await business(session, clock)
    before = await files.export(session, owner, DEFAULTS)
    text = """version: 1
fields:
  - key: colour
    entity: deal
    kind: text
    names: {en: Colour}
rules:
  - name: Fine
    when: {event: created}
    then: [{do: tag, tag: new}]
  - name: Broken
    when: {event: created}
    then:
      - do: message
        to: customer
        text:
          en: Your {field.colour} is {field.size}
"""
    with pytest.raises(FileInvalid) as refused:
        await files.import_file(session, owner, text, clock.now())

    assert (refused.value.line, refused.value.where, refused.value.problem) == (
        17,
        "rules.2.then.1.text.en",
        "placeholder",
    )
    assert await files.export(session, owner, DEFAULTS) == before
    assert await session.scalar(select(func.count()).select_from(Rule)) == 4


async def test_a_field_keeps_its_kind_and_options(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, _manager = await business(session, clock)
    text = await files.export(session, owner, DEFAULTS)
    for changed, line, where, problem in (
        (text.replace("kind: date", "kind: text"), 6, "fields.1.kind", "kind_changed"),
        (
            text.replace("      - key: cash\n", "      - key: cheque\n"),
            18,
            "fields.2.choices",
            "option_removed",
        ),
    ):
        with pytest.raises(FileInvalid) as refused:
            await files.import_file(session, owner, changed, clock.now())
        assert (refused.value.line, refused.value.where, refused.value.problem) == (
            line,
            where,
            problem,
        )


async def test_too_big_a_file_is_refused_before_it_is_read(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    text = "version: 1\nrules: []\n# " + "x" * files.MAX_BYTES
    with pytest.raises(FileInvalid) as refused:
        await files.import_file(session, owner, text, clock.now())
    assert (refused.value.line, refused.value.problem) == (None, "too_big")


async def test_only_the_owner_sends_and_receives_the_file(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner, manager = await business(session, clock)
    text = await files.export(session, owner, DEFAULTS)
    with pytest.raises(AccessDenied):
        await files.export(session, manager, DEFAULTS)
    with pytest.raises(AccessDenied):
        await files.import_file(session, manager, "version: 1\nrules: []\n", clock.now())
    assert await files.export(session, owner, DEFAULTS) == text


async def test_the_documented_example_is_what_an_export_of_it_gives(
    session: AsyncSession, clock: ManualClock
) -> None:
    """docs/rules-file.md's example imports as it is, and is written back the same."""
    owner = actor(await add_user(session, 1, "owner", clock))
    document = (Path(__file__).parents[2] / "docs" / "rules-file.md").read_text()
    example = document.split("```yaml\n", 1)[1].split("```", 1)[0]

    imported = await files.import_file(session, owner, example, clock.now())

    assert imported == files.Imported(
        fields_added=2, fields_updated=0, rules_removed=0, rules_added=2
    )
    assert await files.export(session, owner, DEFAULTS) == example


async def test_a_number_too_long_to_hold_is_refused_as_not_valid(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    with pytest.raises(FileInvalid) as refused:
        await files.import_file(session, owner, "version: " + "9" * 5000, clock.now())
    assert refused.value.problem == "syntax"


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
