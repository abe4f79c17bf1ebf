"""Stock held by requests: the owner marks a stage as reserving; a request moved there holds its
items' stock, asked first when that is beyond what is available; its hold follows its items,
is let go when it is lost and taken from the stock when it is won."""

from __future__ import annotations

from decimal import Decimal

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.access import actor_of
from services.db.catalog import DealItem
from services.db.deals import Event
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, BAKO, CARD, OLGA, deal, make_manager, new_deal
from tests.support.harness import Harness, person
from tests.support.items import SCREEN, ten_glue
from tests.support.rules import rule
from tests.support.stock import EDITOR, GLUE, held, holds, reserving, set_stock, stock_of

D = Decimal
DENIED = "Sorry, you can't do that."


async def test_the_owner_marks_a_stage_and_a_request_moved_there_holds_its_items(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "25")
    [detail] = without_answers(await tg.press(OLGA, "sg:s:3:0", message_id=EDITOR))
    assert detail.text.splitlines()[-1] == (
        "📦 A request entering this stage reserves the stock of its items until it is won "
        "(then taken from the stock) or lost."
    )
    assert [("📦 Stop reserving stock", "sg:s:3:0")] in buttons(detail)
    [overview] = without_answers(await tg.press(OLGA, "sg:l:0:0", message_id=EDITOR))
    lines = overview.text.splitlines()
    assert "3. Proposal 📦 · 0 open requests" in lines
    assert "📦 A request entering the stage reserves the stock of its items." in lines

    # Moved to Contacted, which does not reserve: nothing is held.
    await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    assert (await held(tg), await holds(tg)) == ([], False)
    moved = await tg.press(ANNA, "dk:n:1:3:0", message_id=CARD)
    assert answer_of(moved).text == "Moved to Proposal."
    assert (await held(tg), await holds(tg)) == ([(1, GLUE, D(10))], True)
    # On to Invoice sent, which does not reserve: the hold stays until won or lost.
    await tg.press(ANNA, "dk:n:1:4:0", message_id=CARD)
    assert await held(tg) == [(1, GLUE, D(10))]
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:5:0", message_id=CARD))
    reserved = [line for line in history.text.splitlines() if "📦" in line]
    assert [line.split(" · ", 1)[1] for line in reserved] == [
        "Anna: 📦 stock reserved for its items"
    ]
    async with tg.app.sessions() as session:
        marked = await session.scalar(select(Event.to_value).where(Event.kind == "stage_reserves"))
    assert marked == "True"
    delivered = await tg.deliver()
    assert sent_to(delivered, OLGA.id) == sent_to(delivered, ANNA.id) == []


async def test_a_move_beyond_the_stock_is_asked_first_and_the_owners_are_told(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "12")
    await reserving(tg)
    # Request #2 holds 5 of the 12.
    await new_deal(tg, person(101, "Rauf"), "Glue please")
    await tg.press(ANNA, "cg:p:2:1:3:0", message_id=SCREEN)
    await tg.send(ANNA, "5")
    await tg.press(ANNA, "dk:g:2:2:3", message_id=CARD)
    assert await held(tg) == [(2, GLUE, D(5))]

    [asked] = without_answers(await tg.press(ANNA, "dk:g:1:2:3", message_id=CARD))
    assert asked.text.splitlines() == [
        "⚠️ <b>Not enough stock for request #1</b>",
        "• Skirting glue: needs 10 pcs, 7 pcs available",
        "",
        "Reserve it anyway?",
    ]
    assert buttons(asked) == [
        [("📦 Reserve anyway", "dk:b:1:2:3")],
        [("✖ Cancel", "dk:c:1:2:0")],
    ]
    [card] = without_answers(await tg.press(ANNA, "dk:c:1:2:0", message_id=CARD))
    assert card.text.startswith("<b>Request #1</b>\n📍 New")
    found = await deal(tg)
    assert (found.stage_id, found.version, await held(tg)) == (1, 2, [(2, GLUE, D(5))])

    moved = await tg.press(ANNA, "dk:b:1:2:3", message_id=CARD)
    assert answer_of(moved).text == "Moved to Proposal."
    assert await held(tg) == [(1, GLUE, D(10)), (2, GLUE, D(5))]
    assert (await deal(tg)).stage_id == 3
    delivered = await tg.deliver()
    assert sent_to(delivered, ANNA.id) == []
    [told] = sent_to(delivered, OLGA.id)
    assert told.text.splitlines() == [
        "⚠️ Anna reserved more stock than is available for request #1:",
        "• Skirting glue: needs 10 pcs, 7 pcs available",
    ]
    assert buttons(told) == [[("📂 Open request #1", "do:1")]]
    # A press of the old question again: the card was out of date, nothing changes.
    again = await tg.press(ANNA, "dk:b:1:2:3", message_id=CARD)
    assert answer_of(again).text.startswith("This card was out of date")
    assert await tg.deliver() == []


async def test_the_hold_follows_the_items_and_a_change_beyond_the_stock_is_told(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "25")
    await reserving(tg)
    await tg.press(ANNA, "dk:g:1:2:3", message_id=CARD)
    await tg.press(ANNA, "it:q:1:3:1:0", message_id=SCREEN)
    said, shown = await tg.send(ANNA, "30")
    assert said.text == "Saved: the request's total is counted again."
    assert shown.text.splitlines()[-3:] == [
        "",
        "⚠️ Not enough stock; reserved anyway:",
        "• Skirting glue: needs 30 pcs, 25 pcs available",
    ]
    assert await held(tg) == [(1, GLUE, D(30))]
    [told] = sent_to(await tg.deliver(), OLGA.id)
    assert told.text.startswith("⚠️ Anna reserved more stock than is available for request #1:")
    # Lower again: within the stock, nothing to say.
    await tg.press(ANNA, "it:q:1:4:1:0", message_id=SCREEN)
    _said, shown = await tg.send(ANNA, "20")
    assert "Not enough stock" not in shown.text
    assert await held(tg) == [(1, GLUE, D(20))]
    # Removed: nothing held of it, yet the request still holds what it will have.
    [screen] = without_answers(await tg.press(ANNA, "it:x:1:5:1:0", message_id=SCREEN))
    assert "Not enough stock" not in screen.text
    assert (await held(tg), await holds(tg)) == ([], True)
    await tg.press(ANNA, "cg:p:1:6:3:0", message_id=SCREEN)
    await tg.send(ANNA, "4")
    assert await held(tg) == [(1, GLUE, D(4))]
    # A product whose stock is not counted is never held.
    await set_stock(tg, GLUE, None)
    async with tg.app.sessions() as session:
        item_id = await session.scalar(select(DealItem.id))
    await tg.press(ANNA, f"it:q:1:7:{item_id}:0", message_id=SCREEN)
    said, _shown = await tg.send(ANNA, "6")
    assert said.text == "Saved: the request's total is counted again."
    assert await held(tg) == []
    assert await tg.deliver() == []


async def test_lost_lets_go_and_won_takes_from_the_stock(tg: Harness) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "25")
    await reserving(tg)
    await new_deal(tg, person(101, "Rauf"), "Glue please")
    await tg.press(ANNA, "cg:p:2:1:3:0", message_id=SCREEN)
    await tg.send(ANNA, "5")
    await tg.press(ANNA, "dk:g:1:2:3", message_id=CARD)
    await tg.press(ANNA, "dk:g:2:2:3", message_id=CARD)
    assert await held(tg) == [(1, GLUE, D(10)), (2, GLUE, D(5))]

    lost = await tg.press(ANNA, "dk:x:1:3:0", message_id=CARD)
    assert answer_of(lost).text == "Request #1 is closed as lost."
    assert (await held(tg), await holds(tg, 1)) == ([(2, GLUE, D(5))], False)
    assert await stock_of(tg, GLUE) == D(25)
    won = await tg.press(ANNA, "dk:g:2:3:5", message_id=CARD)
    assert answer_of(won).text == "Moved to Won."
    assert (await held(tg), await holds(tg, 2)) == ([], False)
    assert await stock_of(tg, GLUE) == D(20)
    # Reopened at Proposal, where it was lost from, a stage that reserves: it holds again,
    # and won, what it holds goes out of the stock.
    await tg.press(OLGA, "dk:u:1:4:0", message_id=CARD)
    assert (await deal(tg)).stage_id == 3
    assert (await held(tg), await holds(tg, 1)) == ([(1, GLUE, D(10))], True)
    await tg.press(ANNA, "dk:g:1:5:5", message_id=CARD)
    assert (await held(tg), await stock_of(tg, GLUE)) == ([], D(10))
    async with tg.app.sessions() as session:
        changes = await session.execute(
            select(Event.deal_id, Event.to_value).where(Event.kind == "stock").order_by(Event.id)
        )
    assert changes.all() == [
        (1, "reserved"),
        (2, "reserved"),
        (1, "released"),
        (2, "taken"),
        (1, "reserved"),
        (1, "taken"),
    ]


async def test_a_request_won_without_holding_takes_its_items_from_the_stock(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "25")
    # New (which does not reserve) straight to Won.
    won = await tg.press(ANNA, "dk:g:1:2:5", message_id=CARD)
    assert answer_of(won).text == "Moved to Won."
    assert (await stock_of(tg, GLUE), await held(tg)) == (D(15), [])


async def test_won_takes_no_more_than_the_stock_has(tg: Harness) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "4")
    await reserving(tg)
    await tg.press(ANNA, "dk:b:1:2:3", message_id=CARD)
    await tg.press(ANNA, "dk:g:1:3:5", message_id=CARD)
    assert (await stock_of(tg, GLUE), await held(tg)) == (D(0), [])


async def test_only_the_owner_marks_stages_and_only_open_ones(tg: Harness) -> None:
    await ten_glue(tg)
    await make_manager(tg, BAKO.id, "Bako")
    refused = await tg.press(ANNA, "sg:s:3:0", message_id=EDITOR)
    assert answer_of(refused).text == DENIED
    assert without_answers(refused) == []
    for fixed in ("sg:s:5:0", "sg:s:6:0"):
        answer = answer_of(await tg.press(OLGA, fixed, message_id=EDITOR))
        assert answer.text is not None and answer.text.startswith("Only the stages before Won")
    [won] = without_answers(await tg.press(OLGA, "sg:v:5:0", message_id=EDITOR))
    assert "sg:s:5:0" not in str(buttons(won))
    missing = answer_of(await tg.press(OLGA, "sg:s:99:0", message_id=EDITOR))
    assert missing.text == "Not found: it may have been removed."
    async with tg.app.sessions() as session:
        marked = await session.scalars(select(Event.id).where(Event.kind == "stage_reserves"))
        assert marked.all() == []

    # Forged Reserve anyway: another manager's request, a stage not to move to.
    await set_stock(tg, GLUE, "1")
    await reserving(tg)
    forged = await tg.press(BAKO, "dk:b:1:2:3", message_id=CARD)
    assert answer_of(forged).text == DENIED
    lost_stage = await tg.press(ANNA, "dk:b:1:2:6", message_id=CARD)
    assert answer_of(lost_stage).text == "Not found: it may have been removed."
    assert ((await deal(tg)).stage_id, await held(tg)) == (1, [])
    assert await tg.deliver() == []


async def test_a_rules_move_beyond_the_stock_tells_the_owners_and_the_manager(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await set_stock(tg, GLUE, "4")
    await reserving(tg)
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert olga is not None
        owner = actor_of(olga, "en")
        onward = {"do": "move", "stage": 3}
        made = await rule(
            session, owner, tg.clock, when={"event": "stage_entered", "stage": 2}, then=[onward]
        )
        won = {"do": "move", "stage": 5}
        await rule(
            session,
            owner,
            tg.clock,
            name="W",
            when={"event": "stage_entered", "stage": 4},
            then=[won],
        )
    # Anna moves it to Contacted, which does not reserve: no question; the rule moves it on.
    moved = await tg.press(ANNA, "dk:n:1:2:0", message_id=CARD)
    assert answer_of(moved).text == "Moved to Proposal."
    assert await held(tg) == [(1, GLUE, D(10))]
    delivered = await tg.deliver()
    short = [
        "⚠️ A rule reserved more stock than is available for request #1:",
        "• Skirting glue: needs 10 pcs, 4 pcs available",
    ]
    [told] = sent_to(delivered, OLGA.id)
    assert told.text.splitlines() == short
    # Anna's card shows the rule's move, a line says so, then what the move holds.
    redrawn, moved_on, told = sent_to(delivered, ANNA.id)
    assert isinstance(redrawn, EditMessageText) and "📍 Proposal ▰▰▰▱▱" in redrawn.text
    assert moved_on.text == "Rule «R» moved request #1 from Contacted to Proposal."
    assert told.text.splitlines() == short
    async with tg.app.sessions() as session:
        by_rule = await session.execute(
            select(Event.to_value, Event.rule_id).where(Event.kind == "stock")
        )
    assert by_rule.all() == [("reserved", made)]
    # Moved on to Invoice sent, a rule wins it: taken from the stock, none left.
    await tg.press(ANNA, "dk:n:1:4:0", message_id=CARD)
    assert (await deal(tg)).closed_at is not None
    assert (await stock_of(tg, GLUE), await held(tg), await holds(tg)) == (D(0), [], False)
