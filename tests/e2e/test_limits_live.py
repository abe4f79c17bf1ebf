"""The bot over real HTTP with Telegram's limits on: every answer arrives, in time and without a
429; a group gets one line and is left; a typed phone number takes nothing from its owner."""

from __future__ import annotations

from sqlalchemy import func, select

from emulator import EmulatedUser, Emulator
from services.db.deals import Deal
from services.db.outbox import Outbox
from services.db.users import User
from tests.support.live import OWNER_ID, Live, labels

WAIT = 15.0


async def started(emu: Emulator, user_id: int, name: str) -> EmulatedUser:
    person = emu.user(user_id, name, language_code="en")
    person.start()
    await person.wait_for_bot_message(timeout=WAIT)
    return person


async def request(person: EmulatedUser, what: str, phone: str | None = None) -> str:
    """A new request from the menu, with a typed phone number or the person's own contact."""
    menu = person.last_bot_message()
    await person.press(labels(menu)[0], timeout=WAIT)
    await person.wait_for_bot_message(predicate=lambda m: m is not menu, timeout=WAIT)
    person.send_text(what)
    await person.wait_for_bot_message(timeout=WAIT)
    if phone is None:
        person.share_contact()
    else:
        person.send_text(phone)
    confirmation = await person.wait_for_bot_message(timeout=WAIT)
    return confirmation.text or ""


async def count(live: Live, model: type[Deal] | type[Outbox] | type[User]) -> int:
    async with live.app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_owner_sending_four_commands_at_once_gets_four_answers(limited: Live) -> None:
    emu = limited.emulator
    owner = await started(emu, OWNER_ID, "Olga")
    before = len(owner.bot_messages())
    for command in ("/team", "/deals", "/tasks", "/start"):
        owner.send_text(command)
    await emu.wait_for(lambda: len(owner.bot_messages()) >= before + 4 or None, timeout=WAIT)
    answers = [m.text or "" for m in owner.bot_messages()[before:]]
    assert [text.split("\n")[0][:12] for text in answers] == [
        "No managers ",
        "Open request",
        "You have no ",
        "Hello, Olga!",
    ]
    assert emu.rate_limited == []


async def test_added_to_a_group_the_bot_says_so_once_and_leaves_revealing_nothing(
    limited: Live,
) -> None:
    emu = limited.emulator
    emu.privacy_mode = False  # the harsher case: every message of the group reaches the bot
    owner = await started(emu, OWNER_ID, "Olga")
    users, deals = await count(limited, User), await count(limited, Deal)
    group = emu.group(-1001, "Sales", kind="supergroup")
    group.add_member(OWNER_ID)
    group.add_member(100)
    group.add_bot(by=OWNER_ID)
    for text in ("/deals", "/find 1", "/invite"):
        group.send_text(OWNER_ID, text)
    group.send_text(100, "I need a sofa, call me")
    await emu.wait_for(lambda: not group.has_bot or None, timeout=WAIT)
    await emu.wait_for(lambda: not emu.updates.pending or None, timeout=WAIT)
    await limited.app.inbox.idle()
    [said] = [m.text for m in group.bot_messages()]
    assert said == "I work only in private chats. Write to me there: https://t.me/axin_bot"
    assert (await count(limited, User), await count(limited, Deal)) == (users, deals)
    assert len(owner.bot_messages()) == 1  # the greeting; nothing more reached the owner
    assert emu.rate_limited == []


async def test_a_typed_phone_number_takes_nothing_from_the_customer_it_belongs_to(
    limited: Live,
) -> None:
    emu = limited.emulator
    owner = await started(emu, OWNER_ID, "Olga")
    vusal = await started(emu, 101, "Vusal")
    vusal.user.phone_number = "+994501234567"
    assert await request(vusal, "A wardrobe") == "Request #1 received — Olga will contact you."
    leyla = await started(emu, 100, "Leyla")
    typed = await request(leyla, "A table", phone="+994 50 123 45 67")
    assert typed == "Request #2 received — Olga will contact you."
    card = await owner.wait_for_bot_message(
        predicate=lambda m: (m.text or "").startswith("Request #2\n"), timeout=WAIT
    )
    assert "⚠️ Same phone as Vusal, request #1" in (card.text or "").splitlines()

    await owner.press("↩️ Reply", message_id=card.message_id, timeout=WAIT)
    await owner.wait_for_bot_message(timeout=WAIT)
    owner.send_text("Your table is ready")
    reply = await leyla.wait_for_bot_message(
        predicate=lambda m: "table is ready" in (m.text or ""), timeout=WAIT
    )
    assert (reply.text or "").splitlines() == ["Olga, request #2:", "Your table is ready"]
    assert not any("table is ready" in (m.text or "") for m in vusal.bot_messages())
    for person, mine in ((leyla, "#2"), (vusal, "#1")):
        person.send_text("/requests")
        listed = await person.wait_for_bot_message(timeout=WAIT)
        assert [line.split(" · ")[0] for line in (listed.text or "").splitlines()[1:]] == [mine]
    assert emu.rate_limited == []
