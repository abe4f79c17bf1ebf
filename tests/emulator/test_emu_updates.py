"""getUpdates semantics and the updates produced by user actions."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError

from emulator import Emulator
from emulator.updates import KEPT_FOR
from tests.support.emulator import FakeClock, png


async def test_offset_confirms_and_limit_caps(bot: Bot, emulator: Emulator) -> None:
    user = emulator.user(101, "Ann")
    for text in ("one", "two", "three"):
        user.send_text(text)
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    assert [u.message.text for u in await bot.get_updates()] == ["one", "two", "three"]  # type: ignore[union-attr]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.update_id for u in rest] == [3]
    assert await bot.get_updates(offset=4) == []
    user.send_text("four")
    user.send_text("five")
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [5]
    assert [u.update_id for u in await bot.get_updates()] == [5]


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: Bot, emulator: Emulator
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emulator.wait_for(lambda: emulator.updates.poll_generation == 1)
    emulator.user(101, "Ann").send_text("ping")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates] == ["ping"]  # type: ignore[union-attr]
    assert loop.time() - started < 2


async def test_newer_poll_terminates_older_one(bot: Bot, emulator: Emulator) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=30))
    await emulator.wait_for(lambda: emulator.updates.poll_generation == 1)
    newer = asyncio.create_task(bot.get_updates(timeout=0))
    assert await newer == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(older, 5)


async def test_allowed_updates_filter(bot: Bot, emulator: Emulator) -> None:
    user = emulator.user(101, "Ann")
    user.send_text("hi")
    user.block()
    updates = await bot.get_updates(allowed_updates=["my_chat_member"])
    assert [u.my_chat_member is not None for u in updates] == [True]
    user.unblock()
    user.send_text("back")
    remembered = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert [u.my_chat_member is not None for u in remembered] == [True]


async def test_user_actions_produce_updates(bot: Bot, emulator: Emulator) -> None:
    user = emulator.user(101, "Ann", username="ann", language_code="uz")
    user.start("lead_42")
    user.send_photo(png(640, 480), caption="receipt #paid")
    user.send_document(b"%PDF-1.4", "offer.pdf", "application/pdf", caption="offer")
    user.share_contact("+998901112233")
    sent = user.send_text("typo")
    user.edit_text(sent.message_id, "fixed")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == list(range(1, 7))
    start, photo, document, contact, text, edited = updates
    assert start.message is not None and start.message.text == "/start lead_42"
    assert start.message.from_user is not None and start.message.from_user.language_code == "uz"
    assert start.message.entities is not None and start.message.entities[0].type == "bot_command"
    assert photo.message is not None and photo.message.photo is not None
    assert [(p.width, p.height) for p in photo.message.photo] == [(90, 68), (320, 240), (640, 480)]
    assert photo.message.caption_entities is not None
    assert photo.message.caption_entities[0].type == "hashtag"
    assert document.message is not None and document.message.document is not None
    assert document.message.document.file_name == "offer.pdf"
    assert document.message.document.mime_type == "application/pdf"
    assert contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.user_id == 101
    assert text.message is not None and text.message.text == "typo"
    assert edited.edited_message is not None and edited.edited_message.text == "fixed"


async def test_an_update_is_kept_a_day_at_most(
    bot: Bot, emulator: Emulator, clock: FakeClock
) -> None:
    user = emulator.user(101, "Ann")
    user.send_text("old")
    clock.advance(60)
    user.send_text("new")
    clock.advance(KEPT_FOR - 30)
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["new"]


async def test_group_and_channel_updates_follow_allowed_updates(
    bot: Bot, emulator: Emulator
) -> None:
    emulator.user(101, "Ann")
    group = emulator.group(-1001, "Sales", kind="supergroup")
    channel = emulator.group(-1002, "News", kind="channel")
    for chat in (group, channel):
        chat.add_member(101)
    group.add_bot(by=101)
    channel.add_bot(by=101, admin=True)
    group.send_text(101, "/deals")
    channel.post("Price list")
    wanted = await bot.get_updates(allowed_updates=["my_chat_member", "channel_post"])
    members = [u.my_chat_member for u in wanted if u.my_chat_member]
    assert [(m.chat.type, m.new_chat_member.status) for m in members] == [
        ("supergroup", "member"),
        ("channel", "administrator"),
    ]
    assert [u.channel_post.text for u in wanted if u.channel_post] == ["Price list"]
    assert not any(u.message for u in wanted)
    group.send_text(101, "/help")
    channel.post("Later news")
    rest = await bot.get_updates(offset=wanted[-1].update_id + 1, allowed_updates=["message"])
    assert [(u.message.chat.id, u.message.text) for u in rest if u.message] == [(-1001, "/help")]
    assert len(rest) == 1
