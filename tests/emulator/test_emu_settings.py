"""Commands per scope and language, menu button, profile texts."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    MenuButtonCommands,
)

from emulator import Emulator


def plain(commands: list[BotCommand]) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in commands]


async def test_commands_are_stored_per_scope_and_language(bot: Bot, emulator: Emulator) -> None:
    emulator.user(101, "Ann").start()
    default = [
        BotCommand(command="start", description="Start"),
        BotCommand(command="help", description="Help"),
    ]
    uz = [BotCommand(command="start", description="Boshlash")]
    private = [BotCommand(command="deals", description="Deals")]
    personal = [BotCommand(command="admin", description="Admin")]
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(uz, language_code="uz")
    assert await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    assert await bot.set_my_commands(personal, scope=BotCommandScopeChat(chat_id=101))
    assert plain(await bot.get_my_commands()) == plain(default)
    assert plain(await bot.get_my_commands(language_code="uz")) == plain(uz)
    assert await bot.get_my_commands(language_code="ru") == []
    assert plain(await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())) == plain(
        private
    )
    assert emulator.commands() == [c.model_dump(exclude_none=True) for c in default]
    assert emulator.commands({"type": "chat", "chat_id": 101}) == [
        {"command": "admin", "description": "Admin"}
    ]
    assert await bot.delete_my_commands(language_code="uz")
    assert emulator.commands(language_code="uz") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(personal, scope=BotCommandScopeChat(chat_id=999))


async def test_menu_button_and_profile_texts(bot: Bot, emulator: Emulator) -> None:
    emulator.user(101, "Ann").start()
    assert await bot.set_chat_menu_button(chat_id=101, menu_button=MenuButtonCommands())
    assert (await bot.get_chat_menu_button(chat_id=101)).type == "commands"
    assert (await bot.get_chat_menu_button()).type == "default"
    assert await bot.set_my_description("CRM for small teams", language_code="en")
    assert (await bot.get_my_description(language_code="en")).description == "CRM for small teams"
    assert (await bot.get_my_name()).name == "Axın"
    assert await bot.log_out() and await bot.close()
