"""The command menu, per role: customers' in every private chat (the bot works in no other),
staff's in their own chat."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import MANAGER, OWNER, SUPPORTED_LOCALES

_START = ("start", __("Main menu"))
_LANGUAGE = ("language", __("Change language"))
_CANCEL = ("cancel", __("Leave the current step"))
_HELP = ("help", __("What this bot can do"))
_DUTY = ("duty", __("Go on or off duty"))
_FIND = ("find", __("Find a request by number, name or phone"))
_NEW = ("new", __("Enter a request by hand"))
_CUSTOMERS = ("customers", __("Customers: search and filters"))
_TASKS = ("tasks", __("My tasks and reminders"))
_TASK = ("task", __("Give a task to someone in the team, or to yourself"))
_REPLIES = ("replies", __("Quick replies to customers"))
_CONTRACTS = ("contracts", __("Contracts ending soon"))
_CATALOG = ("catalog", __("Products and services"))
_STOCK = ("stock", __("Products running low"))

MENUS: dict[str, list[tuple[str, LazyProxy]]] = {
    "customer": [
        _START,
        ("new", __("Send a new request")),
        ("requests", __("My requests")),
        _LANGUAGE,
        _CANCEL,
        _HELP,
    ],
    MANAGER: [
        _START,
        ("deals", __("My open requests")),
        _NEW,
        _FIND,
        _CUSTOMERS,
        _TASKS,
        _TASK,
        _REPLIES,
        _CONTRACTS,
        _CATALOG,
        _STOCK,
        _DUTY,
        _LANGUAGE,
        _CANCEL,
        _HELP,
    ],
    OWNER: [
        _START,
        ("invite", __("Invite a manager")),
        ("team", __("My team")),
        ("deals", __("Open requests")),
        _NEW,
        _FIND,
        _CUSTOMERS,
        _TASKS,
        _TASK,
        _REPLIES,
        _CONTRACTS,
        _CATALOG,
        _STOCK,
        ("stages", __("Pipeline stages")),
        ("fields", __("Fields of requests and customers")),
        ("merges", __("Undo a merge of customers")),
        ("rules_file", __("All rules and fields as a file")),
        ("apitoken", __("Tokens for the website and phone system")),
        ("report", __("Reports with a chart")),
        ("export", __("Requests as a spreadsheet")),
        ("settings", __("Digests, SLA and working hours")),
        ("company", __("Company details for quotes and invoices")),
        ("assignment", __("Who gets new requests")),
        ("sources", __("Where requests come from")),
        ("rules", __("Rules: when something happens, do this")),
        ("newrule", __("Build a rule step by step")),
        _DUTY,
        _LANGUAGE,
        _CANCEL,
        _HELP,
    ],
}


def menu(i18n: I18n, role: str, locale: str) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(locale):
        return [BotCommand(command=name, description=str(text)) for name, text in MENUS[role]]


async def set_default(bot: Bot, i18n: I18n) -> None:
    """The customers' menu, in private chats only; a menu of every chat (the default scope,
    which groups show) left by an earlier version is taken away."""
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(menu(i18n, "customer", i18n.default_locale), scope=scope)
    await bot.delete_my_commands(scope=BotCommandScopeDefault())
    for locale in SUPPORTED_LOCALES:
        commands = menu(i18n, "customer", locale)
        await bot.set_my_commands(commands, scope=scope, language_code=locale)
        await bot.delete_my_commands(scope=BotCommandScopeDefault(), language_code=locale)


async def set_for_chat(bot: Bot, i18n: I18n, chat_id: int, role: str, locale: str) -> None:
    scope = BotCommandScopeChat(chat_id=chat_id)
    if role in (OWNER, MANAGER):
        await bot.set_my_commands(menu(i18n, role, locale), scope=scope)
    else:
        await bot.delete_my_commands(scope=scope)
