"""The bot's Bot API session: calls go as JSON bodies carrying exactly what aiogram's form
carried; uploads still go as a multipart form; a keyboard echoed unchanged is not read again."""

from __future__ import annotations

import gc
import json
import weakref
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramRetryAfter,
)
from aiogram.methods import (
    BanChatMember,
    EditMessageText,
    Response,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)

from bot.api_session import JsonSession
from bot.emulator import start_emulator

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="✅ Take", callback_data="d:t:12"),
            InlineKeyboardButton(text="↩️ Reply", callback_data="d:r:12"),
        ],
        [InlineKeyboardButton(text="Site", url="https://example.com/?a=1&b=ü")],
    ]
)

CALLS: list[TelegramMethod[Any]] = [
    SendMessage(chat_id=1000, text="<b>Request #12</b> & «más»", reply_markup=KEYBOARD),
    SendMessage(
        chat_id=1000,
        text="Request #12 received",
        disable_notification=False,
        reply_parameters=ReplyParameters(message_id=5),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    ),
    EditMessageText(chat_id=-100123, message_id=7, text="", reply_markup=KEYBOARD),
    BanChatMember(chat_id=-100123, user_id=5, until_date=datetime(2027, 1, 1, tzinfo=UTC)),
]


def form_fields(session: AiohttpSession, bot: Bot, method: TelegramMethod[Any]) -> dict[str, str]:
    form = session.build_form_data(bot, method)
    return {options["name"]: value for options, _headers, value in form._fields}


@pytest.mark.parametrize("method", CALLS, ids=lambda method: type(method).__name__)
def test_a_call_carries_what_the_form_carried(method: TelegramMethod[Any]) -> None:
    session = JsonSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    fields = session.json_fields(bot, method)
    assert fields is not None
    sent = json.loads(session.json_dumps(fields))
    expected = form_fields(AiohttpSession(), bot, method)
    assert sent.keys() == expected.keys()
    for key, value in sent.items():
        assert (value if isinstance(value, str) else json.dumps(value)) == expected[key], key
    assert sent["chat_id"] == method.chat_id  # numbers stay numbers


def test_an_upload_is_left_to_the_multipart_form() -> None:
    session = JsonSession()
    bot = Bot("42:TEST", session=session)
    upload = SendDocument(chat_id=1, document=BufferedInputFile(b"a;b\n", filename="deals.csv"))
    assert session.json_fields(bot, upload) is None


async def test_the_emulator_receives_the_keyboard_and_the_upload() -> None:
    async with start_emulator() as running:
        emulator = running.emulator
        emulator.user(1000, "Manager").send_text("/start")
        session = JsonSession(api=running.api_server)
        bot = Bot(emulator.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        try:
            card = await bot.send_message(1000, "<b>Request #12</b>", reply_markup=KEYBOARD)
            document = await bot.send_document(
                1000, BufferedInputFile(b"a;b\n", filename="deals.csv"), caption="Deals"
            )
        finally:
            await session.close()
        # The emulator echoes the keyboard as Telegram does, so the sent one is kept.
        assert card.reply_markup is KEYBOARD
        assert card.text == "Request #12"
        assert document.document is not None
        assert document.document.file_name == "deals.csv"
        assert document.caption == "Deals"


def answer(markup: dict[str, Any]) -> str:
    message = {
        "message_id": 5,
        "date": 1_780_000_000,
        "chat": {"id": 1000, "type": "private", "first_name": "Manager"},
        "from": {"id": 42, "is_bot": True, "first_name": "Axın"},
        "text": "Request #12",
        "reply_markup": markup,
    }
    return json.dumps({"ok": True, "result": message})


def card_call() -> tuple[JsonSession, Bot, SendMessage, dict[str, Any]]:
    session = JsonSession()
    bot = Bot("42:TEST", session=session)
    card = SendMessage(chat_id=1000, text="Request #12", reply_markup=KEYBOARD)
    fields = session.json_fields(bot, card)
    assert fields is not None
    return session, bot, card, fields


def test_a_keyboard_echoed_unchanged_is_the_one_sent() -> None:
    session, bot, card, fields = card_call()
    content = answer(fields["reply_markup"])
    sent = session.answer_of(bot, card, fields, 200, content)
    read = session.check_response(bot, card, 200, content).result
    assert sent.reply_markup is KEYBOARD
    assert sent.reply_markup.bot is bot
    assert sent.model_dump() == read.model_dump()
    assert sent.bot is bot


def test_a_keyboard_echoed_otherwise_is_read_as_echoed() -> None:
    session, bot, card, fields = card_call()
    echoed = json.loads(json.dumps(fields["reply_markup"]))
    echoed["inline_keyboard"][0][0]["text"] = "Take"
    sent = session.answer_of(bot, card, fields, 200, answer(echoed))
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].text == "Take"


@pytest.mark.parametrize("status", [400, 200])
def test_an_error_is_aiograms_error(status: int) -> None:
    session, bot, card, fields = card_call()
    refusal = json.dumps(
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    with pytest.raises(TelegramAPIError, match="chat not found") as ours:
        session.answer_of(bot, card, fields, status, refusal)
    with pytest.raises(TelegramAPIError) as aiograms:
        session.check_response(bot, card, status, refusal)
    assert type(ours.value) is type(aiograms.value)
    assert status == 200 or isinstance(ours.value, TelegramBadRequest)


def test_the_model_reading_an_answer_is_held_by_the_session() -> None:
    session = JsonSession()
    bot = Bot("42:TEST", session=session)
    confirmation = SendMessage(chat_id=1000, text="Request #12 received")
    fields = session.json_fields(bot, confirmation)
    assert fields is not None
    result = json.loads(answer({}))["result"]
    del result["reply_markup"]
    content = json.dumps({"ok": True, "result": result})
    assert session.answer_of(bot, confirmation, fields, 200, content).text == "Request #12"
    model = weakref.ref(Response[SendMessage.__returning__])  # type: ignore[valid-type]
    # pydantic holds such a model only weakly: unless the session keeps it, a collection drops
    # it and the next answer builds it anew, a class per call.
    gc.collect()
    assert model() is not None


async def test_a_send_for_its_id_goes_through_the_middlewares_and_is_refused_as_any() -> None:
    async with start_emulator() as running:
        emulator = running.emulator
        manager = emulator.user(1000, "Manager")
        manager.send_text("/start")
        session = JsonSession(api=running.api_server)
        bot = Bot(emulator.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        seen: list[str] = []

        async def watch(make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
            seen.append(method.__api_method__)
            return await make_request(bot, method)

        session.middleware(watch)
        card = SendMessage(chat_id=1000, text="<b>Request #12</b>", reply_markup=KEYBOARD)
        upload = SendDocument(chat_id=1000, document=BufferedInputFile(b"a;b\n", "deals.csv"))
        try:
            card_id = await session.sent_id(bot, card)
            upload_id = await session.sent_id(bot, upload)
            with pytest.raises(TelegramBadRequest, match="chat not found"):
                await session.sent_id(bot, SendMessage(chat_id=404, text="Hello"))
        finally:
            await session.close()
        stored = manager.chat.messages
        assert stored[card_id].outgoing and stored[card_id].text == "Request #12"
        document = stored[upload_id].document
        assert stored[upload_id].outgoing and document is not None
        assert document["file_name"] == "deals.csv"
        assert seen == ["sendMessage", "sendDocument", "sendMessage"]


def answering(session: JsonSession, status: int, body: dict[str, Any]) -> None:
    """The session's next posts get this answer instead of going out."""

    async def post(*_: Any) -> tuple[int, str]:
        return status, json.dumps(body)

    session._post = post  # type: ignore[assignment]


async def test_a_send_for_its_id_reads_only_the_id() -> None:
    session, bot, card, _ = card_call()
    # Not a message aiogram would read (no date, no chat), yet the message was sent.
    answering(session, 200, {"ok": True, "result": {"message_id": 9}})
    assert await session.sent_id(bot, card) == 9


@pytest.mark.parametrize(
    "result", [{"text": "Request #12"}, {"message_id": True}, None], ids=["no id", "bool", "none"]
)
async def test_an_answer_without_an_id_is_an_error(result: dict[str, Any] | None) -> None:
    session, bot, card, _ = card_call()
    answering(session, 200, {"ok": True} if result is None else {"ok": True, "result": result})
    with pytest.raises(ClientDecodeError):
        await session.sent_id(bot, card)


async def test_a_refused_send_for_its_id_is_aiograms_error() -> None:
    session, bot, card, _ = card_call()
    answering(
        session,
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    with pytest.raises(TelegramRetryAfter) as refused:
        await session.sent_id(bot, card)
    assert refused.value.retry_after == 7
