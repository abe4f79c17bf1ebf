"""/stages: the owner reshapes the pipeline from chat."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.db.deals import Deal, Event, Stage
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, CARD, OLGA, deal, new_deal
from tests.support.harness import Harness, person

EDITOR = 950


async def test_stages_overview_and_only_the_owner_may_edit(tg: Harness) -> None:
    await new_deal(tg)
    [overview] = await tg.send(OLGA, "/stages")
    assert overview.text.splitlines() == [
        "<b>Pipeline stages</b>",
        "1. New · 1 open request",
        "2. Contacted 🔔 · 0 open requests",
        "3. Proposal · 0 open requests",
        "4. Invoice sent 🔔 · 0 open requests",
        "🏆 Won 🔔",
        "❌ Lost",
        "",
        "🔔 The customer is told when their request enters the stage.",
        "Tap a stage to rename, move, delete it or switch notifications.",
    ]
    assert buttons(overview) == [
        [("New", "sg:v:1:0")],
        [("Contacted 🔔", "sg:v:2:0")],
        [("Proposal", "sg:v:3:0")],
        [("Invoice sent 🔔", "sg:v:4:0")],
        [("Won 🔔", "sg:v:5:0")],
        [("Lost", "sg:v:6:0")],
        [("➕ Add a stage", "sg:a:0:0")],
    ]
    [refused] = await tg.send(ANNA, "/stages")
    assert refused.text == "Sorry, you can't do that."
    for data in ("sg:v:3:0", "sg:u:3:0", "sg:n:3:0", "sg:m:2:3", "sg:a:0:0", "sg:r:3:0"):
        calls = await tg.press(ANNA, data)
        assert answer_of(calls).text == "Sorry, you can't do that.", data
        assert without_answers(calls) == []


async def test_reorder_notify_and_rename_per_language(tg: Harness) -> None:
    [detail] = without_answers(await tg.press(OLGA, "sg:v:3:0", message_id=EDITOR))
    assert detail.text.splitlines() == [
        "<b>Stage: Proposal</b>",
        "English: Proposal",
        "Azərbaycanca: Təklif",
        "Русский: Предложение",
        "0 open requests",
        "🔕 The customer is not told about this stage.",
    ]
    assert buttons(detail) == [
        [("⬆️ Earlier", "sg:u:3:0"), ("⬇️ Later", "sg:d:3:0")],
        [("🔔 Tell customers", "sg:n:3:0")],
        [("📦 Reserve stock", "sg:s:3:0")],
        [("✏️ English", "sg:r:3:0"), ("✏️ Azərbaycanca", "sg:r:3:1"), ("✏️ Русский", "sg:r:3:2")],
        [("🗑 Delete", "sg:x:3:0")],
        [("« All stages", "sg:l:0:0")],
    ]
    [moved] = without_answers(await tg.press(OLGA, "sg:u:3:0", message_id=EDITOR))
    assert buttons(moved)[0] == [("⬆️ Earlier", "sg:u:3:0"), ("⬇️ Later", "sg:d:3:0")]
    [notify] = without_answers(await tg.press(OLGA, "sg:n:3:0", message_id=EDITOR))
    assert notify.text.splitlines()[-1] == (
        "🔔 The customer is told when their request enters this stage."
    )
    [prompt] = without_answers(await tg.press(OLGA, "sg:r:3:2", message_id=EDITOR))
    assert prompt.text == "Send the Русский name for the stage Proposal. /cancel to stop."
    [too_long] = await tg.send(OLGA, "x" * 65)
    assert too_long.text.startswith("A stage name is 1 to 64 characters.")
    done, edit = await tg.send(OLGA, "  КП   отправлено ")
    assert done.text == "Stage renamed."
    assert isinstance(edit, EditMessageText) and edit.message_id == EDITOR
    assert "Русский: КП отправлено" in edit.text.splitlines()

    [overview] = without_answers(await tg.press(OLGA, "sg:l:0:0", message_id=EDITOR))
    assert overview.text.splitlines()[1:5] == [
        "1. New · 0 open requests",
        "2. Proposal 🔔 · 0 open requests",
        "3. Contacted 🔔 · 0 open requests",
        "4. Invoice sent 🔔 · 0 open requests",
    ]
    # Next now follows the new order.
    await new_deal(tg)
    await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    assert (await deal(tg)).stage_id == 3


async def test_add_a_stage_before_won(tg: Harness) -> None:
    [prompt] = without_answers(await tg.press(OLGA, "sg:a:0:0", message_id=EDITOR))
    assert prompt.text.startswith("Send the name of the new stage.")
    done, edit = await tg.send(OLGA, "Measurement")
    assert done.text == "Stage added."
    assert edit.text.splitlines()[5] == "5. Measurement · 0 open requests"
    async with tg.app.sessions() as session:
        stage = await session.get_one(Stage, 7)
    assert (stage.kind, stage.names["ru"], stage.notify_customer) == ("open", "Measurement", False)
    await new_deal(tg)
    [stage_picker] = without_answers(await tg.press(ANNA, "dk:s:1:1:0", message_id=CARD))
    assert buttons(stage_picker)[4:6] == [
        [("Measurement", "dk:g:1:1:7")],
        [("Won", "dk:g:1:1:5")],
    ]


async def test_delete_moves_open_deals_to_the_chosen_stage(tg: Harness) -> None:
    await new_deal(tg)
    await new_deal(tg, person(101, "Rauf"), "Table")
    await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    await tg.press(ANNA, "dk:n:2:1:0", message_id=CARD)
    [ask] = without_answers(await tg.press(OLGA, "sg:x:2:0", message_id=EDITOR))
    assert ask.text == (
        "Delete the stage Contacted? Its 2 open requests move to the stage you pick:"
    )
    assert buttons(ask) == [
        [("New", "sg:m:2:1")],
        [("Proposal", "sg:m:2:3")],
        [("Invoice sent", "sg:m:2:4")],
        [("« Keep it", "sg:v:2:0")],
    ]
    tg.app.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    calls = await tg.press(OLGA, "sg:m:2:3", message_id=EDITOR)
    assert answer_of(calls).text == "Stage deleted; 2 open requests moved."
    assert without_answers(calls)[0].text.splitlines()[1:3] == [
        "1. New · 0 open requests",
        "2. Proposal · 2 open requests",
    ]
    async with tg.app.sessions() as session:
        deals = list(await session.scalars(select(Deal).order_by(Deal.id)))
        contacted = await session.get_one(Stage, 2)
        moves = list(await session.execute(select(Event.deal_id, Event.kind, Event.to_value)))
    assert [(d.stage_id, d.version) for d in deals] == [(3, 3), (3, 3)]
    assert contacted.deleted_at is not None
    assert (1, "stage", "3") in moves and (2, "stage", "3") in moves

    stale = await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    assert answer_of(stale).text.startswith("This card was out of date")
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:3:0", message_id=CARD))
    assert history.text.splitlines()[-1].endswith("Olga: stage Contacted → Proposal")


async def test_won_and_lost_stay_and_the_last_open_stage_cannot_go(tg: Harness) -> None:
    [won] = without_answers(await tg.press(OLGA, "sg:v:5:0"))
    assert buttons(won) == [
        [("🔕 Stop telling customers", "sg:n:5:0")],
        [("✏️ English", "sg:r:5:0"), ("✏️ Azərbaycanca", "sg:r:5:1"), ("✏️ Русский", "sg:r:5:2")],
        [("« All stages", "sg:l:0:0")],
    ]
    for data in ("sg:x:5:0", "sg:m:5:1", "sg:m:6:1", "sg:u:5:0", "sg:m:1:5"):
        answer = answer_of(await tg.press(OLGA, data))
        assert answer.text is not None and answer.text.startswith("Won and Lost stay"), data
    for stage_id in (2, 3):
        await tg.press(OLGA, f"sg:m:{stage_id}:4")
    await tg.press(OLGA, "sg:m:1:4")
    [last] = without_answers(await tg.press(OLGA, "sg:v:4:0"))
    assert ("🗑 Delete", "sg:x:4:0") not in [b for row in buttons(last) for b in row]
    answer = answer_of(await tg.press(OLGA, "sg:x:4:0"))
    assert answer.text is not None and answer.text.startswith("Won and Lost stay")
    missing = answer_of(await tg.press(OLGA, "sg:m:4:2"))
    assert missing.text == "Not found: it may have been removed."
