"""Working a deal from its card over real HTTP: moves, notices, double taps, amounts, old cards."""

from __future__ import annotations

from decimal import Decimal

from emulator import StoredMessage
from services.db.deals import Deal
from services.db.users import User
from tests.support.live import Live


def labels(message: StoredMessage) -> list[str]:
    return [button["text"] for row in message.inline_keyboard or [] for button in row]


async def anna_gets_a_card(live: Live) -> StoredMessage:
    async with live.app.sessions() as session:
        session.add(
            User(tg_id=200, role="manager", first_name="Anna", created_at=live.app.clock.now())
        )
        await session.commit()
    anna = live.emulator.user(200, "Anna", language_code="en")
    anna.start()
    await anna.wait_for_bot_message()
    leyla = live.emulator.user(100, "Leyla", language_code="ru")
    leyla.send_text("Нужно 20 стульев")
    return await anna.wait_for_bot_message(predicate=lambda m: "Request #1" in (m.text or ""))


async def deal(live: Live) -> Deal:
    async with live.app.sessions() as session:
        return await session.get_one(Deal, 1)


async def test_the_card_moves_the_deal_tells_the_customer_and_survives_double_taps(
    live: Live,
) -> None:
    emu = live.emulator
    card = await anna_gets_a_card(live)
    anna, leyla = emu.user(200, "Anna"), emu.user(100, "Leyla")
    assert labels(card) == ["✅ Take", "↩️ Reply", "⋯ More"]
    await anna.press("⋯ More", message_id=card.message_id)
    more = emu.find_message(200, card.message_id)
    assert more is not None and labels(more)[:2] == ["➡️ Contacted", "🔀 Stage…"]

    answer = await anna.press("➡️ Contacted", message_id=card.message_id)
    assert answer is not None and answer.text == "Moved to Contacted."
    edited = emu.find_message(200, card.message_id)
    assert edited is not None and "📍 Contacted ▰▰▱▱▱" in (edited.text or "")
    notice = await leyla.wait_for_bot_message(predicate=lambda m: "Связались" in (m.text or ""))
    assert notice.text == "Ваша заявка №1 теперь: Связались"

    # Two taps on the same button before the bot answers either: one move, one refresh.
    await anna.press("⋯ More", message_id=card.message_id)
    first = anna.click("➡️ Proposal", message_id=card.message_id)
    second = anna.click("➡️ Proposal", message_id=card.message_id)
    await emu.wait_for(lambda: first.answer and second.answer)
    assert first.answer is not None and second.answer is not None
    texts = sorted(a.text or "" for a in (first.answer, second.answer))
    assert texts[0] == "Moved to Proposal."
    assert texts[1].startswith("This card was out of date")
    current = await deal(live)
    assert (current.stage_id, current.version) == (3, 3)
    assert len([m for m in anna.bot_messages() if "Request #1" in (m.text or "")]) == 1


async def test_amount_typed_in_chat_and_an_old_card_is_sent_again(live: Live) -> None:
    emu = live.emulator
    card = await anna_gets_a_card(live)
    anna = emu.user(200, "Anna")
    await anna.press("⋯ More", message_id=card.message_id)
    await anna.press("💰 Amount", message_id=card.message_id)
    prompt = await anna.wait_for_bot_message(predicate=lambda m: "amount" in (m.text or ""))
    assert prompt.text == "Send the amount for request #1, like 1,500.50. /cancel to stop."
    anna.send_text("1 500,50")
    refusal = await anna.wait_for_bot_message()
    assert (refusal.text or "").startswith("That doesn't look like an amount.")
    anna.send_text("1,500.50")
    done = await anna.wait_for_bot_message()
    assert done.text == "Amount of request #1: AZN1,500.50."
    edited = emu.find_message(200, card.message_id)
    assert edited is not None and "💰 AZN1,500.50" in (edited.text or "")
    assert (await deal(live)).amount == Decimal("1500.50")

    # Back to an unchanged card: Telegram says "not modified", nothing new is sent.
    before = len(anna.bot_messages())
    await anna.press("⋯ More", message_id=card.message_id)
    answer = await anna.press("📜 History", message_id=card.message_id)
    assert answer is not None
    answer = await anna.press("« Back to the card", message_id=card.message_id)
    await anna.press("⋯ More", message_id=card.message_id)
    answer = await anna.press("🔀 Stage…", message_id=card.message_id)
    answer = await anna.press("« Back to the card", message_id=card.message_id)
    assert answer is not None and len(anna.bot_messages()) == before

    await anna.press("⋯ More", message_id=card.message_id)
    emu.make_uneditable(200, card.message_id)
    answer = await anna.press("➡️ Contacted", message_id=card.message_id)
    assert answer is not None and answer.text == "Moved to Contacted."
    resent = await anna.wait_for_bot_message(
        after=card.message_id, predicate=lambda m: "Request #1" in (m.text or "")
    )
    assert "📍 Contacted" in (resent.text or "")
    assert labels(resent) == ["✅ Take", "↩️ Reply", "⋯ More"]
