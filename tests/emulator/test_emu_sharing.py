"""A user passes on to the bot what came from elsewhere: a message another user wrote, with
its forward_origin as Telegram gives it, and a contact from their phone book."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.types import MessageOriginHiddenUser, MessageOriginUser

from emulator import Emulator, EmulatorUsageError
from tests.support.emulator import RawApi


async def test_a_forward_names_the_writer_or_only_their_name(bot: Bot, emulator: Emulator) -> None:
    emulator.user(102, "Rauf", last_name="Mammadov", username="rauf_m")
    manager = emulator.user(101, "Anna")
    manager.forward_text("Do you have oak tables?", 102)
    manager.forward_text("Price of a bed?", 102, hidden=True)
    linked, hidden = [u.message for u in await bot.get_updates()]
    assert linked is not None and linked.text == "Do you have oak tables?"
    assert linked.from_user is not None and linked.from_user.id == 101
    origin = linked.forward_origin
    assert isinstance(origin, MessageOriginUser)
    assert (origin.sender_user.id, origin.sender_user.username) == (102, "rauf_m")
    assert hidden is not None and isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "Rauf Mammadov"
    with pytest.raises(EmulatorUsageError):
        manager.forward_text("From nobody", 999)


async def test_a_phone_book_contact_carries_an_account_only_when_there_is_one(
    bot: Bot, emulator: Emulator
) -> None:
    manager = emulator.user(101, "Anna")
    manager.share_phone_book_contact("+994551112233", "Nigar", last_name="K")
    manager.share_phone_book_contact("+994501234567", "Rauf", user_id=102)
    first, second = [u.message for u in await bot.get_updates()]
    assert first is not None and first.contact is not None
    assert (first.contact.first_name, first.contact.last_name, first.contact.user_id) == (
        "Nigar",
        "K",
        None,
    )
    assert second is not None and second.contact is not None
    assert second.contact.user_id == 102
    with pytest.raises(EmulatorUsageError):
        manager.share_phone_book_contact("", "Nobody")


async def test_forwarding_and_phone_book_contacts_over_http(
    raw: RawApi, emulator: Emulator
) -> None:
    emulator.user(102, "Rauf")
    emulator.user(101, "Anna")
    status, body = await raw.control(
        "POST", "users/101/forward", json={"text": "Hi", "from_user_id": 102}
    )
    assert status == 200
    assert body["result"]["message"]["forward_origin"]["sender_user"]["id"] == 102
    status, body = await raw.control(
        "POST", "users/101/forward", json={"text": "Hi", "from_user_id": 102, "hidden": True}
    )
    assert body["result"]["message"]["forward_origin"] == {
        "type": "hidden_user",
        "date": body["result"]["message"]["date"],
        "sender_user_name": "Rauf",
    }
    status, body = await raw.control(
        "POST", "users/101/contact", json={"phone_number": "+994551112233", "first_name": "Nigar"}
    )
    assert body["result"]["message"]["contact"] == {
        "phone_number": "+994551112233",
        "first_name": "Nigar",
    }
