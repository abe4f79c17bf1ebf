"""Rules as a file: the round trip, each problem named by its line, nothing half imported, and
only the owner sending or receiving it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import ManualClock
from services.db.deals import Stage
from services.db.fields import FieldDef
from services.db.rules import Rule
from services.errors import AccessDenied
from services.rules import files, manage
from services.rules.marked import FileInvalid
from tests.support.rule_files import DEFAULTS, business, forget_everything, stage_id
from tests.support.seed import actor, add_user


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
        (
            RULE.format(when="created", then="discount\n        percent: 150"),
            8,
            "rules.1.then.1.percent",
            "out_of_range",
        ),
        (
            RULE.format(when="created", then="discount\n        amount: '9.999'"),
            8,
            "rules.1.then.1.amount",
            "places",
        ),
        (
            RULE.format(when="created", then="discount\n        percent: 5\n        amount: 50"),
            9,
            "rules.1.then.1.amount",
            "one_discount",
        ),
        (RULE.format(when="created", then="discount"), 7, "rules.1.then.1.percent", "missing"),
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
        fields_added=3, fields_updated=0, rules_removed=0, rules_added=3
    )
    assert await files.export(session, owner, DEFAULTS) == example


async def test_a_number_too_long_to_hold_is_refused_as_not_valid(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    with pytest.raises(FileInvalid) as refused:
        await files.import_file(session, owner, "version: " + "9" * 5000, clock.now())
    assert refused.value.problem == "syntax"


async def test_a_discount_goes_out_and_comes_back_as_it_was_written(
    session: AsyncSession, clock: ManualClock
) -> None:
    owner = actor(await add_user(session, 1, "owner", clock))
    text = RULE.format(
        when="created",
        then="discount\n        percent: 12.5\n      - do: discount\n        amount: '49.90'",
    )
    await files.import_file(session, owner, text, clock.now())
    [rule] = await manage.overview(session, owner)
    assert [(a.kind, dict(a.params)) for a in rule.spec.actions] == [
        ("discount", {"percent": "12.5"}),
        ("discount", {"amount": "49.90"}),
    ]

    exported = await files.export(session, owner, DEFAULTS)
    assert (
        "    then:\n"
        "      - do: discount\n"
        "        percent: '12.5'\n"
        "      - do: discount\n"
        "        amount: '49.90'\n"
    ) in exported
    again = await files.import_file(session, owner, exported, clock.now())
    assert (again.rules_added, again.rules_kept) == (0, 1)
