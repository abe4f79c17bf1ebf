"""The bot works in private chats only: in a group, supergroup or channel it reveals nothing,
opens nothing, and, once added there, says so and leaves."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError
from aiogram.methods import (
    DeleteMyCommands,
    LeaveChat,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from sqlalchemy import func, select

from presentation import commands
from services.clock import ManualClock
from services.db.deals import Deal
from services.db.outbox import Outbox
from services.db.users import User
from tests.support.deals import ANNA, LEYLA, OLGA, new_deal
from tests.support.harness import Harness, group, harness, make_settings, person

GROUP = group("group")
LEAVING = "I work only in private chats. Write to me there: https://t.me/axin_bot"


async def counts(tg: Harness) -> tuple[int | None, ...]:
    async with tg.app.sessions() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table))
                for table in (User, Deal, Outbox)
            ]
        )


def sent(calls: list[Any]) -> list[tuple[str, int, str | None]]:
    return [(type(c).__name__, c.chat_id, getattr(c, "text", None)) for c in calls]


@pytest.mark.parametrize(
    ("kind", "status"),
    [("group", "member"), ("supergroup", "member"), ("supergroup", "administrator")],
)
async def test_added_to_a_group_it_says_it_works_in_private_and_leaves(
    tg: Harness, kind: str, status: str
) -> None:
    chat = group(kind)
    before = await counts(tg)
    calls = await tg.membership(chat, OLGA, "left", status)
    assert sent(calls) == [("SendMessage", chat.id, LEAVING), ("LeaveChat", chat.id, None)]
    # Nobody who adds the bot somewhere gets an account for it.
    assert await counts(tg) == before


async def test_it_speaks_the_language_of_whoever_added_it(
    database_url: str, clock: ManualClock
) -> None:
    settings = make_settings(database_url, default_locale="ru")
    async with harness(settings, clock) as tg:
        az = await tg.membership(GROUP, person(300, "Rauf", "az"), "left", "member")
        ru = await tg.membership(GROUP, person(301, "Ivan", "ru-RU"), "left", "member")
        other = await tg.membership(GROUP, person(302, "Hans", "de"), "left", "member")
        unknown = await tg.membership(GROUP, person(303, "Kim", None), "left", "member")
    in_russian = "Я работаю только в личных чатах. Напишите мне туда: https://t.me/axin_bot"
    assert [calls[0].text for calls in (az, ru, other, unknown)] == [
        "Mən yalnız şəxsi çatlarda işləyirəm. Mənə orada yazın: https://t.me/axin_bot",
        in_russian,
        in_russian,
        in_russian,
    ]


async def test_a_channel_where_it_may_not_post_is_left_all_the_same(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tg.recorder
    answer = recorder.make_request

    async def refusing(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            recorder.calls.append(method)
            raise TelegramForbiddenError(method, "Forbidden: need administrator rights")
        return await answer(bot, method, timeout)

    monkeypatch.setattr(recorder, "make_request", refusing)
    channel = group("channel", -100900)
    calls = await tg.membership(channel, OLGA, "left", "member")
    assert sent(calls) == [("SendMessage", channel.id, LEAVING), ("LeaveChat", channel.id, None)]


async def test_a_leave_lost_on_the_network_fails_the_update_so_it_is_handled_again(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tg.recorder
    answer = recorder.make_request
    attempts = 0

    async def cut_once(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        nonlocal attempts
        if isinstance(method, LeaveChat) and not attempts:
            attempts += 1
            recorder.calls.append(method)
            raise TelegramNetworkError(method, "connection reset")
        return await answer(bot, method, timeout)

    monkeypatch.setattr(recorder, "make_request", cut_once)
    with pytest.raises(TelegramNetworkError):
        await tg.membership(GROUP, OLGA, "left", "member")
    assert sent(await tg.membership(GROUP, OLGA, "left", "member"))[-1] == (
        "LeaveChat",
        GROUP.id,
        None,
    )


@pytest.mark.parametrize(("old", "new"), [("member", "left"), ("administrator", "kicked")])
async def test_being_removed_from_a_group_shows_nothing(tg: Harness, old: str, new: str) -> None:
    assert await tg.membership(GROUP, OLGA, old, new) == []


async def test_a_private_chat_membership_change_shows_nothing(tg: Harness) -> None:
    private = person(100, "Leyla")
    chat = tg.message(private).chat
    assert await tg.membership(chat, private, "member", "kicked") == []
    assert await tg.membership(chat, private, "kicked", "member") == []


@pytest.mark.parametrize("chat", [group("group"), group("supergroup"), group("channel")])
async def test_nothing_said_or_pressed_in_a_group_reaches_the_bot(tg: Harness, chat: Any) -> None:
    await new_deal(tg)  # request #1, Leyla's, with Anna
    before = await counts(tg)
    stranger = person(555, "Stranger")
    for who, text in [
        (OLGA, "/deals"),
        (OLGA, "/find 1"),
        (OLGA, "/find Leyla"),
        (OLGA, "/invite"),
        (OLGA, "/start"),
        (ANNA, "/deals"),
        (LEYLA, "/requests"),
        (stranger, "Need a sofa, please call me"),
        (stranger, "/start"),
    ]:
        assert await tg.send_in(chat, who, text) == [], text
    for who, data in [
        (OLGA, "dk:n:1:1:0"),
        (ANNA, "dk:v:1:1:0"),
        (ANNA, "d:t:1"),
        (OLGA, "do:1"),
        (stranger, "m:n"),
        (stranger, "m:m"),
    ]:
        assert await tg.press_in(chat, who, data) == [], data
    assert await counts(tg) == before
    assert await tg.deliver() == []


async def test_the_bot_asks_telegram_for_its_membership_changes(tg: Harness) -> None:
    used = tg.app.dispatcher.resolve_used_update_types()
    assert {"message", "callback_query", "my_chat_member"} <= set(used)


async def test_the_customers_menu_is_for_private_chats(tg: Harness) -> None:
    """And a menu of every chat, which groups would show, left by an earlier version goes."""
    await commands.set_default(tg.app.bot, tg.app.i18n)
    calls = tg.recorder.calls
    assert [(type(c), c.scope.type, c.language_code) for c in calls] == [
        (SetMyCommands, "all_private_chats", None),
        (DeleteMyCommands, "default", None),
        (SetMyCommands, "all_private_chats", "en"),
        (DeleteMyCommands, "default", "en"),
        (SetMyCommands, "all_private_chats", "az"),
        (DeleteMyCommands, "default", "az"),
        (SetMyCommands, "all_private_chats", "ru"),
        (DeleteMyCommands, "default", "ru"),
    ]
