"""Nobody is surprised: when an owner or a rule changes a manager's deal, the manager's own
newest card of it is redrawn in place (sent again when it can no longer be edited) and they
are told what changed and by whom; their own changes tell them nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select

from services.db.deals import ChatMessage
from services.db.users import User
from tests.support.calls import buttons, sent_to
from tests.support.deals import ANNA, BAKO, CARD, OLGA, deal, make_manager, new_deal
from tests.support.harness import Harness, person
from tests.support.items import SCREEN, laminate_and_underlay
from tests.support.rules import rule
from tests.support.seed import actor

RAUF = person(101, "Rauf")
NEW_CARD = [[("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")], [("⋯ More", "dk:v:1:2:0")]]


async def cards_of(tg: Harness, chat_id: int) -> list[tuple[int, str]]:
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(ChatMessage.message_id, ChatMessage.kind)
            .where(ChatMessage.chat_id == chat_id, ChatMessage.deal_id == 1)
            .order_by(ChatMessage.message_id)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


def edits_refused(tg: Harness, error: str) -> Any:
    """Telegram answers every edit with `error` (each still recorded); the way requests were
    made before, to put back."""
    original = tg.recorder.make_request

    async def refusing(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageText):
            tg.recorder.calls.append(method)
            raise TelegramBadRequest(method, error)
        return await original(bot, method, timeout)

    tg.recorder.make_request = refusing  # type: ignore[method-assign]
    return original


async def test_the_owners_move_redraws_the_managers_card_and_tells_them(tg: Harness) -> None:
    await new_deal(tg)
    [(card_id, kind)] = await cards_of(tg, ANNA.id)
    assert kind == "deal_card"
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText)
    assert (redrawn.chat_id, redrawn.message_id) == (ANNA.id, card_id)
    assert redrawn.text.splitlines()[1] == "📍 Contacted ▰▰▱▱▱"
    assert buttons(redrawn) == NEW_CARD
    assert isinstance(told, SendMessage)
    assert told.text == "Olga moved request #1 from New to Contacted."
    # A reply to the line finds the request; the card is still the one to redraw.
    assert [kind for _id, kind in await cards_of(tg, ANNA.id)] == ["deal_card", "deal_changed"]


async def test_the_owners_amount_and_the_managers_own_changes(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:a:1:1:0", message_id=777)
    await tg.send(OLGA, "1,500.50")
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and "💰 AZN1,500.50" in redrawn.text
    assert told.text == "Olga changed the amount of request #1: — → AZN1,500.50."

    await tg.press(ANNA, "dk:a:1:2:0", message_id=CARD)
    await tg.send(ANNA, "2,000")
    await tg.press(ANNA, "dk:n:1:3:0", message_id=CARD)
    assert sent_to(await tg.deliver(), ANNA.id) == []


async def test_a_rules_move_is_told_as_the_rules(tg: Harness) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        olga = (await session.scalars(select(User).where(User.tg_id == OLGA.id))).one()
        await rule(
            session,
            actor(olga),
            tg.clock,
            name="Onward",
            when={"event": "stage_entered", "stage": 2},
            then=[{"do": "move", "stage": 3}],
        )
    [(card_id, _kind)] = await cards_of(tg, ANNA.id)
    await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and redrawn.message_id == card_id
    assert redrawn.text.splitlines()[1] == "📍 Proposal ▰▰▰▱▱"
    assert buttons(redrawn)[-1] == [("⋯ More", "dk:v:1:3:0")]
    assert told.text == "Rule «Onward» moved request #1 from Contacted to Proposal."


async def test_a_card_telegram_will_not_edit_is_sent_again_and_kept(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    original = edits_refused(tg, "Bad Request: message can't be edited")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    refused, resent, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(refused, EditMessageText)
    assert isinstance(resent, SendMessage) and buttons(resent) == NEW_CARD
    assert resent.text.splitlines()[1] == "📍 Contacted ▰▰▱▱▱"
    assert told.text == "Olga moved request #1 from New to Contacted."
    [resent_id] = [id_ for id_, kind in await cards_of(tg, ANNA.id) if kind == "card_redraw"]

    tg.recorder.make_request = original  # type: ignore[method-assign]
    await tg.press(OLGA, "dk:n:1:2:0", message_id=777)
    redrawn, _told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and redrawn.message_id == resent_id


async def test_a_rules_hand_over_is_told_and_the_old_card_loses_its_buttons(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    async with tg.app.sessions() as session:
        olga = (await session.scalars(select(User).where(User.tg_id == OLGA.id))).one()
        bako = (await session.scalars(select(User).where(User.tg_id == BAKO.id))).one()
        await rule(
            session,
            actor(olga),
            tg.clock,
            name="Seniors",
            when={"event": "stage_entered", "stage": 2},
            then=[{"do": "assign", "user": bako.id}],
        )
    [(card_id, _kind)] = await cards_of(tg, ANNA.id)
    await tg.press(ANNA, "dk:n:1:1:0", message_id=CARD)
    calls = await tg.deliver()
    redrawn, told = sent_to(calls, ANNA.id)
    assert isinstance(redrawn, EditMessageText) and redrawn.message_id == card_id
    assert redrawn.reply_markup is None
    assert "👔 Bako, not taken yet" in redrawn.text.splitlines()
    assert told.text == "Rule «Seniors» handed request #1 over to Bako."
    [card] = sent_to(calls, BAKO.id)
    assert buttons(card)[0] == [("✅ Take", "d:t:1"), ("↩️ Reply", "d:r:1")]


async def test_items_the_owner_adds_tell_the_manager_of_the_new_amount(tg: Harness) -> None:
    await laminate_and_underlay(tg)
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "cg:p:1:1:3:0", message_id=777)
    await tg.send(OLGA, "10")
    redrawn, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(redrawn, EditMessageText) and "🛒 Skirting glue · 10 pcs" in redrawn.text
    assert told.text == "Olga changed the amount of request #1: — → AZN70.00."
    await tg.press(ANNA, "cg:p:1:2:3:0", message_id=SCREEN)
    await tg.send(ANNA, "5")
    assert (await deal(tg)).amount == Decimal("105.00")
    assert sent_to(await tg.deliver(), ANNA.id) == []


async def test_a_redraw_that_changes_nothing_is_done_and_sends_nothing_more(tg: Harness) -> None:
    await new_deal(tg)
    await tg.send(OLGA, "/start")
    edits_refused(tg, "Bad Request: message is not modified")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    edit, told = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(edit, EditMessageText) and isinstance(told, SendMessage)
    assert [kind for _id, kind in await cards_of(tg, ANNA.id)] == ["deal_card", "deal_changed"]
    assert await tg.deliver() == []


async def test_many_changes_in_a_row_redraw_each_card_once_and_tell_in_one_message(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await new_deal(tg, RAUF, "Need a table")
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    await tg.press(OLGA, "dk:n:2:1:0", message_id=778)
    await tg.press(OLGA, "dk:n:1:2:0", message_id=777)
    first, told, second = sent_to(await tg.deliver(), ANNA.id)
    assert isinstance(first, EditMessageText) and first.text.splitlines()[1].startswith(
        "📍 Proposal"
    )
    assert isinstance(second, EditMessageText) and second.message_id != first.message_id
    assert told.text == (
        "Olga moved request #1 from New to Contacted.\n\n"
        "Olga moved request #2 from New to Contacted.\n\n"
        "Olga moved request #1 from Contacted to Proposal."
    )


async def test_a_deactivated_manager_is_told_nothing_of_a_deal_left_with_them(
    tg: Harness,
) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        anna = (await session.scalars(select(User).where(User.tg_id == ANNA.id))).one()
        anna.is_active = False
        await session.commit()
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    assert (await deal(tg)).stage_id == 2
    assert sent_to(await tg.deliver(), ANNA.id) == []


async def test_a_manager_who_blocked_the_bot_is_not_written_to_when_their_deal_moves_on(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    async with tg.app.sessions() as session:
        anna = (await session.scalars(select(User).where(User.tg_id == ANNA.id))).one()
        bako = (await session.scalars(select(User).where(User.tg_id == BAKO.id))).one()
        anna.blocked = True
        await session.commit()
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, f"dk:m:1:1:{bako.id}", message_id=777)
    calls = await tg.deliver()
    assert sent_to(calls, ANNA.id) == []
    assert (await deal(tg)).manager_id == bako.id


async def test_a_rules_hand_over_writes_nothing_to_a_manager_who_blocked_the_bot(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    async with tg.app.sessions() as session:
        olga = (await session.scalars(select(User).where(User.tg_id == OLGA.id))).one()
        bako = (await session.scalars(select(User).where(User.tg_id == BAKO.id))).one()
        anna = (await session.scalars(select(User).where(User.tg_id == ANNA.id))).one()
        anna.blocked = True
        await session.commit()
        await rule(
            session,
            actor(olga),
            tg.clock,
            name="Seniors",
            when={"event": "stage_entered", "stage": 2},
            then=[{"do": "assign", "user": bako.id}],
        )
    await tg.send(OLGA, "/start")
    await tg.press(OLGA, "dk:n:1:1:0", message_id=777)
    calls = await tg.deliver()
    assert sent_to(calls, ANNA.id) == []
    assert (await deal(tg)).manager_id == bako.id
