"""The baselines for benchmarks/intake.py: a bare aiogram bot that echoes every text, and with
RELAY_TO set, also passes it on to that chat (the two Bot API calls an intake makes)."""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def echo(message: Message) -> None:
    await message.answer(message.text or "")


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    dispatcher = Dispatcher()
    relay_to = os.environ.get("RELAY_TO")
    if relay_to:

        async def relay(message: Message) -> None:
            await message.answer(message.text or "")
            await bot.send_message(int(relay_to), message.text or "")

        dispatcher.message.register(relay)
    else:
        dispatcher.message.register(echo)
    await dispatcher.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main())
