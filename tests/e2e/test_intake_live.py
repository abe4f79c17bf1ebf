"""The whole intake loop over real HTTP, as people would use it in Telegram."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from emulator import EmulatedUser
from services.db.deals import Deal, Message
from tests.support.live import OWNER_ID, Live, labels


async def test_request_reaches_manager_and_they_talk(live: Live) -> None:
    emu = live.emulator
    owner = emu.user(OWNER_ID, "Olga", language_code="en")
    owner.send_text("/invite")
    link_message = await owner.wait_for_bot_message()
    token = link_message.text.rsplit("start=", 1)[1]

    anna = emu.user(200, "Anna", language_code="en")
    anna.start(token)
    welcome = await anna.wait_for_bot_message()
    assert welcome.text.startswith("Welcome to the team, Anna!")
    joined = await owner.wait_for_bot_message(predicate=lambda m: "joined" in (m.text or ""))
    assert joined.text == "🎉 Anna joined the team as a manager."
    manager_menu = [c["command"] for c in emu.commands({"type": "chat", "chat_id": 200})]
    assert manager_menu[:2] == ["start", "deals"] and "duty" in manager_menu

    leyla = emu.user(100, "Leyla", language_code="ru")
    leyla.start()
    menu = await leyla.wait_for_bot_message()
    assert menu.text.startswith("Здравствуйте, Leyla!")
    await leyla.press(labels(menu)[0])
    await leyla.wait_for_bot_message(predicate=lambda m: m is not menu)
    leyla.send_text("Нужно 20 стульев")
    await leyla.wait_for_bot_message()
    assert leyla.reply_keyboard is not None
    leyla.share_contact("+994501234567")
    confirmation = await leyla.wait_for_bot_message()
    assert confirmation.text == "Заявка №1 принята — с вами свяжется Anna."

    card = await anna.wait_for_bot_message(predicate=lambda m: "#1" in (m.text or ""))
    assert "+994 50 123 45 67" in card.text
    assert labels(card)[:2] == ["✅ Take", "↩️ Reply"]

    taken = await anna.press("✅ Take", message_id=card.message_id)
    assert taken is not None and taken.text == "You took request #1."
    edited = emu.find_message(200, card.message_id)
    assert edited is not None and "✅ Taken by Anna" in (edited.text or "")

    await anna.press("↩️ Reply", message_id=card.message_id)
    await anna.wait_for_bot_message(predicate=lambda m: "Write your reply" in (m.text or ""))
    anna.send_text("Здравствуйте! 400 AZN")
    answer = await leyla.wait_for_bot_message(predicate=lambda m: "400" in (m.text or ""))
    assert answer.text == "Anna, заявка №1:\nЗдравствуйте! 400 AZN"
    assert 200 not in ids_in(answer.to_telegram())  # the manager's account never shows

    leyla.send_text("Спасибо!")
    relayed = await anna.wait_for_bot_message(predicate=lambda m: "Спасибо" in (m.text or ""))
    assert relayed.text == "💬 #1 · Leyla\nСпасибо!"

    async with live.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
        texts = list(await session.scalars(select(Message.text).order_by(Message.id)))
    assert deal.taken_at is not None
    assert texts == ["Нужно 20 стульев", "Здравствуйте! 400 AZN", "Спасибо!"]


async def test_bad_input_gets_help_and_every_press_is_answered(live: Live) -> None:
    leyla: EmulatedUser = live.emulator.user(100, "Leyla", language_code="en")
    leyla.send_text("/unknown")
    reply = await leyla.wait_for_bot_message()
    assert reply.text.startswith("I didn't understand that.")
    answer = await leyla.press("📝 New request", message_id=reply.message_id)
    assert answer is not None


def ids_in(shown: Any) -> set[int]:
    """Every user's or chat's id a Bot API object carries, however deep (not message ids)."""
    if isinstance(shown, list):
        return {found for item in shown for found in ids_in(item)}
    if not isinstance(shown, dict):
        return set()
    own = {value for key, value in shown.items() if key in ("id", "user_id")}
    return own.union(*(ids_in(value) for value in shown.values()))
