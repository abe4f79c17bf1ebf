"""Editing a message in place, tolerant of Telegram's refusals."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def edit_or_send(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | bool:
    """Same content is fine; a message that can no longer be edited is sent again."""
    try:
        return await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" in error.message:
            return True
        return await message.answer(text, reply_markup=markup)


async def edit_or_send_at(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> Message | bool:
    """The same for a message known only by its id, such as the card a typed answer belongs to."""
    try:
        return await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest as error:
        if "message is not modified" in error.message:
            return True
        return await bot.send_message(chat_id, text, reply_markup=markup)
