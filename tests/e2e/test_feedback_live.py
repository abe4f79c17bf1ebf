"""Feedback over real HTTP: the emulator takes the ask with its stars, the press edits it with
Comment and Skip, and the comment is thanked for."""

from __future__ import annotations

from emulator import StoredMessage
from services.db.feedback import Feedback
from services.db.users import User
from tests.support.live import Live


def labels(message: StoredMessage) -> list[str]:
    return [button["text"] for row in message.inline_keyboard or [] for button in row]


async def test_the_customer_rates_and_comments_through_the_emulator(live: Live) -> None:
    emu = live.emulator
    async with live.app.sessions() as session:
        session.add(
            User(tg_id=200, role="manager", first_name="Anna", created_at=live.app.clock.now())
        )
        await session.commit()
    anna = emu.user(200, "Anna", language_code="en")
    leyla = emu.user(100, "Leyla", language_code="ru")
    anna.start()
    await anna.wait_for_bot_message()
    leyla.send_text("Нужно 20 стульев")
    card = await anna.wait_for_bot_message(predicate=lambda m: "Request #1" in (m.text or ""))
    await anna.press("⋯ More", message_id=card.message_id)
    await anna.press("🔀 Stage…", message_id=card.message_id)
    answer = await anna.press("Won", message_id=card.message_id)
    assert answer is not None and answer.text == "Moved to Won."

    ask = await leyla.wait_for_bot_message(predicate=lambda m: "оцените" in (m.text or ""))
    assert labels(ask) == ["⭐ 1", "⭐ 2", "⭐ 3", "⭐ 4", "⭐ 5"]
    await leyla.press("⭐ 4", message_id=ask.message_id)
    edited = emu.find_message(100, ask.message_id)
    assert edited is not None and labels(edited) == ["💬 Комментарий", "Пропустить"]
    assert (edited.text or "").startswith("Спасибо! Ваша оценка заявки №1: ⭐ 4.")
    await leyla.press("💬 Комментарий", message_id=ask.message_id)
    comment = leyla.send_text("Быстро и вежливо")
    thanks = await leyla.wait_for_bot_message(after=comment.message_id)
    assert thanks.text == "Спасибо за отзыв!"
    async with live.app.sessions() as session:
        given = await session.get_one(Feedback, 1)
    assert (given.rating, given.comment) == (4, "Быстро и вежливо")
