"""The emulator refuses what Telegram refuses, with Telegram's status codes and wording."""

from __future__ import annotations

import json

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup

from emulator import Emulator
from tests.support.emulator import RawApi


@pytest.fixture
def ann(emulator: Emulator) -> int:
    emulator.user(101, "Ann").start()
    return 101


async def test_unknown_method_is_404(raw: RawApi) -> None:
    status, body = await raw.call("sendTelepathy", data={"chat_id": "1"})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_wrong_token_is_401(raw: RawApi) -> None:
    status, body = await raw.call("getMe", token="1:wrong")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_method_names_are_case_insensitive(raw: RawApi) -> None:
    status, body = await raw.call("GETME")
    assert status == 200
    assert body["result"]["username"] == "axin_bot"


async def test_empty_text_and_missing_chat(raw: RawApi, ann: int) -> None:
    assert (await raw.call("sendMessage", data={"chat_id": str(ann)}))[1]["description"] == (
        "Bad Request: message text is empty"
    )
    status, body = await raw.call("sendMessage", data={"text": "hi"})
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body = await raw.call("sendMessage", json={"chat_id": ann, "text": "  \n "})
    assert body["description"] == "Bad Request: message text is empty"


async def test_text_limit_counts_characters_after_parsing(bot: Bot, ann: int) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ann, "x" * 4097)
    sent = await bot.send_message(ann, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    assert sent.text is not None and len(sent.text) == 4096
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ann, "<b></b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("é<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 2'),
    ],
)
async def test_bad_html(bot: Bot, ann: int, html: str, reason: str) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(ann, html, parse_mode="HTML")
    assert caught.value.message == f"Bad Request: can't parse entities: {reason}"


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, ann: int) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="go", callback_data=data)]]
        )

    await bot.send_message(ann, "ok", reply_markup=keyboard("ж" * 32))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(ann, "no", reply_markup=keyboard("ж" * 32 + "x"))
    assert caught.value.message == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(("text", "allowed"), [("", False), ("ж" * 256, True), ("1" * 257, False)])
async def test_copied_text_is_1_to_256_characters(
    bot: Bot, ann: int, text: str, allowed: bool
) -> None:
    button = InlineKeyboardButton(text="copy", copy_text=CopyTextButton(text=text))
    markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    if allowed:
        await bot.send_message(ann, "ok", reply_markup=markup)
        return
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(ann, "no", reply_markup=markup)
    assert caught.value.message == "Bad Request: BUTTON_COPY_TEXT_INVALID"


async def test_inline_button_needs_exactly_one_action(raw: RawApi, ann: int) -> None:
    def markup(button: dict[str, str]) -> str:
        return json.dumps({"inline_keyboard": [[button]]})

    both = {"text": "go", "callback_data": "a", "url": "https://example.com"}
    status, body = await raw.call(
        "sendMessage", data={"chat_id": ann, "text": "x", "reply_markup": markup(both)}
    )
    assert status == 400
    assert body["description"].startswith(
        "Bad Request: can't parse inline keyboard button: exactly one of the optional fields"
    )
    status, body = await raw.call(
        "sendMessage", data={"chat_id": ann, "text": "x", "reply_markup": markup({"text": "t"})}
    )
    assert body["description"] == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )


async def test_nested_types_are_checked(raw: RawApi, ann: int) -> None:
    cases = [
        ({"inline_keyboard": [[{"text": 5, "url": None}]]}, 'Field "url" must be of type String'),
        ({"inline_keyboard": [[{"callback_data": "a"}]]}, 'Can\'t find field "text"'),
        ({"inline_keyboard": [{"text": "a"}]}, "should be an Array of Arrays"),
        ({"keyboard": [[{"text": "a", "request_contact": "yes"}]]}, "must be of type Boolean"),
        ({"colour": "red"}, "can't parse reply keyboard markup JSON object"),
    ]
    for markup, reason in cases:
        status, body = await raw.call(
            "sendMessage", json={"chat_id": ann, "text": "x", "reply_markup": markup}
        )
        assert status == 400
        assert reason in body["description"], body
    status, body = await raw.call(
        "sendMessage", data={"chat_id": ann, "text": "x", "reply_markup": "{not json"}
    )
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    status, body = await raw.call("sendMessage", data={"chat_id": ann, "text": "x", "x": "1"})
    assert status == 200


async def test_scalar_types_and_urlencoded_bodies(raw: RawApi, ann: int) -> None:
    status, body = await raw.call(
        "sendMessage", data={"chat_id": ann, "text": "x", "protect_content": "maybe"}
    )
    assert (status, body["description"]) == (
        400,
        'Bad Request: field "protect_content" must be of type Boolean',
    )
    status, body = await raw.call(
        "deleteMessage", data={"chat_id": str(ann), "message_id": "first"}
    )
    assert body["description"] == 'Bad Request: field "message_id" must be a Number'
    status, body = await raw.call("sendMessage", data={"chat_id": "@nobody", "text": "x"})
    assert body["description"] == "Bad Request: chat not found"


async def test_caption_and_callback_answer_limits(
    bot: Bot, raw: RawApi, emulator: Emulator, ann: int
) -> None:
    from aiogram.types import BufferedInputFile

    from tests.support.emulator import png

    photo = BufferedInputFile(png(10, 10), "p.png")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(ann, photo, caption="c" * 1025)
    sent = await bot.send_message(
        ann,
        "pick",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    record = emulator.user(ann).click("a", message_id=sent.message_id)
    status, body = await raw.call(
        "answerCallbackQuery", data={"callback_query_id": record.id, "text": "t" * 201}
    )
    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_TOO_LONG")
    assert await bot.answer_callback_query(record.id, text="t" * 200)


async def test_failed_calls_are_recorded(raw: RawApi, emulator: Emulator, ann: int) -> None:
    await raw.call("sendMessage", data={"chat_id": ann})
    record = emulator.requests[-1]
    assert (record.method, record.status, record.chat_id) == ("sendMessage", 400, ann)
    assert record.description == "Bad Request: message text is empty"
