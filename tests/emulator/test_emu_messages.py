"""Sending, editing, copying and deleting messages; chat-level errors."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from emulator import Emulator
from tests.support.emulator import WALL_START, RawApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d.upper(), callback_data=d) for d in data]]
    )


@pytest.fixture
def ann(emulator: Emulator) -> int:
    emulator.user(101, "Ann", last_name="Lee", username="ann").start()
    return 101


async def test_sent_message_is_shaped_like_telegram(
    raw: RawApi, emulator: Emulator, ann: int
) -> None:
    status, body = await raw.call(
        "sendMessage",
        json={
            "chat_id": ann,
            "text": "😀 <b>hi</b> <a href='t.me/x'>link</a>",
            "parse_mode": "HTML",
        },
    )
    assert status == 200
    assert body["result"] == {
        "message_id": 2,
        "from": {
            "id": emulator.bot_id,
            "is_bot": True,
            "first_name": "Axın",
            "username": "axin_bot",
        },
        "chat": {
            "id": ann,
            "first_name": "Ann",
            "last_name": "Lee",
            "username": "ann",
            "type": "private",
        },
        "date": int(WALL_START),
        "text": "😀 hi link",
        "entities": [
            {"type": "bold", "offset": 3, "length": 2},
            {"type": "text_link", "offset": 6, "length": 4, "url": "http://t.me/x"},
        ],
    }
    stored = emulator.user(ann).last_bot_message()
    assert stored is not None
    assert stored.source_html == "😀 <b>hi</b> <a href='t.me/x'>link</a>"
    assert stored.html == '😀 <b>hi</b> <a href="http://t.me/x">link</a>'


async def test_edit_text_and_markup(bot: Bot, emulator: Emulator, ann: int) -> None:
    sent = await bot.send_message(ann, "v1", reply_markup=keyboard("a"))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(
            "v1", chat_id=ann, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    assert caught.value.message == NOT_MODIFIED
    edited = await bot.edit_message_text(
        "v2", chat_id=ann, message_id=sent.message_id, reply_markup=keyboard("a")
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=ann, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    await bot.edit_message_reply_markup(
        chat_id=ann, message_id=sent.message_id, reply_markup=keyboard("b", "c")
    )
    current = emulator.find_message(ann, sent.message_id)
    assert current is not None and current.text == "v2"
    assert [b["callback_data"] for b in current.inline_keyboard[0]] == ["b", "c"]  # type: ignore[index]
    await bot.edit_message_text("v3", chat_id=ann, message_id=sent.message_id)
    assert current.inline_keyboard is None


async def test_edit_errors(bot: Bot, emulator: Emulator, ann: int) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text("x", chat_id=ann, message_id=999)
    assert caught.value.message == "Bad Request: message to edit not found"
    sent = await bot.send_message(ann, "old")
    emulator.make_uneditable(ann, sent.message_id)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text("new", chat_id=ann, message_id=sent.message_id)
    assert caught.value.message == "Bad Request: message can't be edited"
    users_message = emulator.user(ann).send_text("mine")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("theirs", chat_id=ann, message_id=users_message.message_id)
    text_message = await bot.send_message(ann, "plain")
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(
            chat_id=ann, message_id=text_message.message_id, caption="c"
        )


async def test_delete_message(bot: Bot, emulator: Emulator, ann: int) -> None:
    sent = await bot.send_message(ann, "bye")
    assert await bot.delete_message(ann, sent.message_id)
    assert emulator.find_message(ann, sent.message_id) is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ann, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("again", chat_id=ann, message_id=sent.message_id)


async def test_unknown_blocked_and_silent_users(bot: Bot, emulator: Emulator, ann: int) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(555, "who?")
    assert caught.value.message == "Bad Request: chat not found"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(555)
    emulator.user(202, "Silent")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(202, "hello")
    emulator.block(ann)
    with pytest.raises(TelegramForbiddenError) as blocked:
        await bot.send_message(ann, "still there?")
    assert blocked.value.message == "Forbidden: bot was blocked by the user"
    updates = await bot.get_updates()
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    emulator.unblock(ann)
    assert (await bot.send_message(ann, "welcome back")).text == "welcome back"


async def test_replies_and_user_reply_to_bot(bot: Bot, emulator: Emulator, ann: int) -> None:
    user = emulator.user(ann)
    question = await bot.send_message(ann, "Name?", reply_markup=ForceReply())
    answer = user.send_text("Ann", reply_to=question.message_id)
    update = (await bot.get_updates())[-1]
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.message_id == question.message_id
    assert update.message.reply_to_message.from_user.is_bot  # type: ignore[union-attr]
    reply = await bot.send_message(
        ann, "Thanks", reply_parameters=ReplyParameters(message_id=answer.message_id)
    )
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "Ann"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(ann, "?", reply_parameters=ReplyParameters(message_id=999))
    loose = await bot.send_message(
        ann,
        "ok",
        reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True),
    )
    assert loose.reply_to_message is None


async def test_copy_and_forward(bot: Bot, emulator: Emulator, ann: int) -> None:
    emulator.user(202, "Bob").start()
    original = emulator.user(ann).send_text("see #offer at https://example.com")
    copied = await bot.copy_message(202, ann, original.message_id)
    copy = emulator.find_message(202, copied.message_id)
    assert copy is not None and copy.outgoing and copy.text == original.text
    assert [e["type"] for e in copy.entities] == ["hashtag", "url"]
    forwarded = await bot.forward_message(202, ann, original.message_id)
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.sender_user.id == ann  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(202, ann, 999)


async def test_reply_keyboards(bot: Bot, emulator: Emulator, ann: int) -> None:
    user = emulator.user(ann, phone_number="+998901234567")
    markup = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="Share", request_contact=True), KeyboardButton(text="Menu")]
        ],
        one_time_keyboard=True,
    )
    sent = await bot.send_message(ann, "Phone?", reply_markup=markup)
    assert sent.reply_markup is None
    assert user.reply_keyboard is not None
    shared = user.press_reply_button("Share")
    assert shared.contact == {
        "phone_number": "+998901234567",
        "first_name": "Ann",
        "last_name": "Lee",
        "user_id": ann,
    }
    assert user.reply_keyboard is None
    await bot.send_message(
        ann, "Menu?", reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Menu")]])
    )
    assert user.press_reply_button("Menu").text == "Menu"
    await bot.send_message(ann, "Done", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard is None
    texts = [m.text or "contact" for m in user.messages()]
    assert texts == ["/start", "Phone?", "contact", "Menu?", "Menu", "Done"]


async def test_chat_action_and_get_chat(bot: Bot, emulator: Emulator, ann: int) -> None:
    assert await bot.send_chat_action(ann, "typing")
    with pytest.raises(TelegramBadRequest, match="wrong parameter action in request"):
        await bot.send_chat_action(ann, "dancing")
    chat = await bot.get_chat(ann)
    assert (chat.id, chat.type, chat.username) == (ann, "private", "ann")
    assert emulator.bus.history[-1].kind == "chat_action"
