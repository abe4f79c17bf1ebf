"""Inline buttons: a real aiogram Dispatcher polls the emulator and answers presses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from emulator import Emulator, EmulatorUsageError, StoredMessage
from tests.support.emulator import FakeClock, RawApi


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Yes", callback_data="vote:yes"),
                    InlineKeyboardButton(text="Site", url="https://example.com"),
                ]
            ]
        )
        await message.answer(f"Hello, ref={command.args}", reply_markup=markup)

    @dp.callback_query(F.data == "vote:yes")
    async def vote(query: CallbackQuery) -> None:
        await query.answer("Counted!", show_alert=True)
        assert isinstance(query.message, Message)
        await query.message.edit_text("Thanks for voting")

    return dp


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[None]:
    dp = build_dispatcher()
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=30)
    )
    yield
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_press_returns_the_bots_answer(emulator: Emulator, polling: None) -> None:
    user = emulator.user(101, "Ann")
    user.start("promo")
    greeting = await user.wait_for_bot_message()
    assert greeting.text == "Hello, ref=promo"
    answer = await user.press("Yes")
    assert answer is not None and (answer.text, answer.show_alert) == ("Counted!", True)

    def edited_greeting() -> StoredMessage | None:
        message = emulator.find_message(101, greeting.message_id)
        return message if message is not None and message.edit_date else None

    edited = await emulator.wait_for(edited_greeting)
    assert edited.text == "Thanks for voting" and edited.inline_keyboard is None
    with pytest.raises(EmulatorUsageError, match="no inline button"):
        user.click("vote:yes")


async def test_only_callback_buttons_can_be_pressed(emulator: Emulator, polling: None) -> None:
    user = emulator.user(101, "Ann")
    user.start()
    await user.wait_for_bot_message()
    with pytest.raises(EmulatorUsageError, match="not a callback button"):
        user.click("Site")


async def test_query_expiry_and_double_answer(
    bot: Bot, raw: RawApi, emulator: Emulator, clock: FakeClock
) -> None:
    user = emulator.user(101, "Ann")
    user.start()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    await bot.send_message(101, "pick", reply_markup=markup)
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    late = user.click("a")
    clock.advance(emulator.callback_query_timeout + 0.5)
    status, body = await raw.call("answerCallbackQuery", data={"callback_query_id": late.id})
    assert (status, body["description"]) == (400, too_old)
    fresh = user.click("A")
    assert await bot.answer_callback_query(fresh.id)
    status, body = await raw.call("answerCallbackQuery", data={"callback_query_id": fresh.id})
    assert body["description"] == too_old
    status, body = await raw.call("answerCallbackQuery", data={"callback_query_id": "123"})
    assert body["description"] == too_old


async def test_press_without_answer_times_out(bot: Bot, emulator: Emulator) -> None:
    user = emulator.user(101, "Ann")
    user.start()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    await bot.send_message(101, "pick", reply_markup=markup)
    assert await user.press("a", timeout=0.05) is None
    update = (await bot.get_updates())[-1]
    query = update.callback_query
    assert query is not None and query.data == "a" and query.from_user.id == 101
    assert isinstance(query.message, Message) and query.message.text == "pick"
    assert query.chat_instance == user.chat.chat_instance
