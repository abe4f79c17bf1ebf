"""Groups, supergroups and channels: the bot added and leaving, privacy mode, Telegram's errors."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import Update
from aiohttp import web
from aiohttp.test_utils import TestServer

from emulator import EmulatedGroup, Emulator, EmulatorUsageError
from tests.support.emulator import WALL_START, RawApi

ANN, BOB = 101, 102


def sales(emulator: Emulator, kind: str = "group") -> EmulatedGroup:
    """A chat where Ann and Bob are members and Ann has added the bot."""
    emulator.user(ANN, "Ann")
    emulator.user(BOB, "Bob")
    group = emulator.group(-1001, "Sales", kind=kind)
    group.add_member(ANN)
    group.add_member(BOB, by=ANN)
    return group


async def updates(raw: RawApi, **params: Any) -> list[dict[str, Any]]:
    """Pending updates as the JSON Telegram sends, confirming them."""
    status, body = await raw.call("getUpdates", json=params)
    assert status == 200, body
    result: list[dict[str, Any]] = body["result"]
    if result:
        await raw.call("getUpdates", json={"offset": result[-1]["update_id"] + 1})
    return result


async def test_the_bot_added_to_a_group_hears_it_as_telegram_says_it(
    raw: RawApi, emulator: Emulator
) -> None:
    group = sales(emulator)
    assert await updates(raw) == []  # members joined before the bot came
    group.add_bot(by=ANN)
    bot = emulator.bot_user()
    ann = emulator.users[ANN].to_user()
    chat = {
        "id": -1001,
        "title": "Sales",
        "type": "group",
        "all_members_are_administrators": True,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    added, service = await updates(raw)
    assert added["my_chat_member"] == {
        "chat": chat,
        "from": ann,
        "date": int(WALL_START),
        "old_chat_member": {"user": bot, "status": "left"},
        "new_chat_member": {"user": bot, "status": "member"},
    }
    assert service["message"] == {
        "message_id": 3,
        "from": ann,
        "chat": chat,
        "date": int(WALL_START),
        "new_chat_participant": bot,
        "new_chat_member": bot,
        "new_chat_members": [bot],
    }
    assert group.bot_status == "member" and group.has_bot
    group.add_member(103)
    (joined,) = await updates(raw)
    assert joined["message"]["new_chat_members"][0]["first_name"] == "User103"


async def test_the_bot_made_administrator_gets_its_rights(raw: RawApi, emulator: Emulator) -> None:
    sales(emulator, "supergroup").add_bot(by=ANN, admin=True)
    added = (await updates(raw))[0]["my_chat_member"]
    assert added["chat"] == {"id": -1001, "title": "Sales", "type": "supergroup"}
    rights = added["new_chat_member"]
    assert rights["status"] == "administrator" and rights["can_be_edited"] is False
    assert rights["can_delete_messages"] and rights["can_pin_messages"]
    assert not rights["can_promote_members"] and not rights["is_anonymous"]
    assert "can_manage_topics" in rights and "can_post_messages" not in rights


async def test_privacy_mode_lets_through_commands_replies_and_service_messages(
    bot: Bot, raw: RawApi, emulator: Emulator
) -> None:
    group = sales(emulator, "supergroup")
    group.add_bot(by=ANN)
    await updates(raw)
    question = await bot.send_message(-1001, "Which deal?")
    for text in ("hello all", "/deals", "/deals@Axin_Bot", "/deals@other_bot", "see /deals"):
        group.send_text(BOB, text)
    group.send_text(ANN, "the big one", reply_to=question.message_id)
    seen = await updates(raw)
    assert [u["message"]["text"] for u in seen] == ["/deals", "/deals@Axin_Bot", "the big one"]
    assert {u["message"]["chat"]["id"] for u in seen} == {-1001}
    assert seen[0]["message"]["from"]["id"] == BOB
    # Every message is in the chat, whether the bot saw it or not.
    assert len([m for m in group.messages() if m.text]) == 7
    assert not (await bot.get_me()).can_read_all_group_messages


async def test_without_privacy_mode_or_as_administrator_the_bot_sees_everything(
    raw: RawApi, emulator: Emulator
) -> None:
    emulator.privacy_mode = False
    group = sales(emulator)
    group.add_bot(by=ANN)
    group.send_text(BOB, "hello all")
    assert (await updates(raw))[-1]["message"]["text"] == "hello all"
    emulator.privacy_mode = True
    group.send_text(BOB, "now unseen")
    assert await updates(raw) == []
    group.promote_bot(by=ANN)
    group.send_text(BOB, "seen by an administrator")
    promoted, message = await updates(raw)
    assert promoted["my_chat_member"]["old_chat_member"]["status"] == "member"
    assert promoted["my_chat_member"]["new_chat_member"]["status"] == "administrator"
    assert message["message"]["text"] == "seen by an administrator"


async def test_the_bot_writes_in_a_group_then_leaves_it(
    bot: Bot, raw: RawApi, emulator: Emulator
) -> None:
    group = sales(emulator)
    group.add_bot(by=ANN)
    await updates(raw)
    sent = await bot.send_message(-1001, "Hi, team")
    assert (sent.chat.id, sent.chat.type, sent.chat.title) == (-1001, "group", "Sales")
    await bot.edit_message_text("Hi, sales team", chat_id=-1001, message_id=sent.message_id)
    assert [m.text for m in group.bot_messages()] == ["Hi, sales team"]
    info = await bot.get_chat(-1001)
    assert (info.title, info.type) == ("Sales", "group")
    assert info.permissions is not None and info.permissions.can_send_messages

    assert await bot.leave_chat(-1001)
    assert group.bot_status == "left" and not group.has_bot
    left, service = await updates(raw)
    bot_user = emulator.bot_user()
    assert left["my_chat_member"]["from"] == bot_user
    assert left["my_chat_member"]["old_chat_member"] == {"user": bot_user, "status": "member"}
    assert left["my_chat_member"]["new_chat_member"] == {"user": bot_user, "status": "left"}
    assert service["message"]["from"] == bot_user
    assert service["message"]["left_chat_member"] == bot_user

    with pytest.raises(TelegramForbiddenError) as refused:
        await bot.send_message(-1001, "still here?")
    assert refused.value.message == "Forbidden: bot is not a member of the group chat"
    with pytest.raises(TelegramForbiddenError, match="not a member of the group chat"):
        await bot.edit_message_text("gone", chat_id=-1001, message_id=sent.message_id)
    # A basic group the bot left can still be read, and left again without a change.
    assert (await bot.get_chat(-1001)).title == "Sales"
    assert await bot.leave_chat(-1001)
    assert await updates(raw) == []
    group.send_text(ANN, "/deals")
    assert await updates(raw) == []
    assert [m.text for m in group.bot_messages()] == ["Hi, sales team"]


@pytest.mark.parametrize(
    ("kind", "removed", "refusal"),
    [
        ("group", False, "Forbidden: bot is not a member of the group chat"),
        ("group", True, "Forbidden: bot was kicked from the group chat"),
        ("supergroup", False, "Forbidden: bot is not a member of the supergroup chat"),
        ("supergroup", True, "Forbidden: bot was kicked from the supergroup chat"),
        ("channel", False, "Forbidden: bot is not a member of the channel chat"),
        ("channel", True, "Forbidden: bot was kicked from the channel chat"),
    ],
)
async def test_a_bot_out_of_a_chat_is_refused_as_telegram_refuses_it(
    raw: RawApi, emulator: Emulator, kind: str, removed: bool, refusal: str
) -> None:
    group = sales(emulator, kind)
    group.add_bot(by=ANN, admin=True)
    if removed:
        group.remove_bot(by=ANN)
    else:
        assert (await raw.call("leaveChat", json={"chat_id": -1001}))[1]["result"] is True
    assert group.bot_status == ("kicked" if removed else "left")
    *_, member_change = [u["my_chat_member"] for u in await updates(raw) if "my_chat_member" in u]
    assert member_change["new_chat_member"]["status"] == group.bot_status
    assert member_change["from"]["id"] == (ANN if removed else emulator.bot_id)
    status, body = await raw.call("sendMessage", json={"chat_id": -1001, "text": "hi"})
    assert (status, body["description"]) == (403, refusal)
    # Only a basic group can still be read by a bot that is out of it.
    status, _ = await raw.call("getChat", json={"chat_id": -1001})
    assert status == (200 if kind == "group" else 403)


async def test_chats_the_bot_never_joined_and_private_chats(
    raw: RawApi, emulator: Emulator
) -> None:
    sales(emulator)
    for method in ("sendMessage", "getChat", "leaveChat"):
        status, body = await raw.call(method, json={"chat_id": -1001, "text": "x"})
        assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = await raw.call("sendMessage", json={"chat_id": -999, "text": "x"})
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    emulator.user(ANN).start()
    status, body = await raw.call("leaveChat", json={"chat_id": ANN})
    assert (status, body["description"]) == (400, "Bad Request: can't leave private chats")


async def test_a_channel_posts_and_the_bot_needs_admin_rights_to_post(
    bot: Bot, raw: RawApi, emulator: Emulator
) -> None:
    channel = sales(emulator, "channel")
    with pytest.raises(EmulatorUsageError, match="only as an administrator"):
        channel.add_bot(by=ANN)
    channel.post("Before the bot came")
    channel.add_bot(by=ANN, admin=True)
    channel.post("Price list #offer")
    added, post = await updates(raw)
    rights = added["my_chat_member"]["new_chat_member"]
    assert rights["can_post_messages"] and rights["can_edit_messages"]
    assert "can_pin_messages" not in rights
    chat = {"id": -1001, "title": "Sales", "type": "channel"}
    assert post["channel_post"] == {
        "message_id": 2,
        "sender_chat": chat,
        "chat": chat,
        "date": int(WALL_START),
        "text": "Price list #offer",
        "entities": [{"type": "hashtag", "offset": 11, "length": 6}],
    }
    sent = await bot.send_message(-1001, "Posted by the bot")
    assert sent.from_user is None and sent.sender_chat is not None
    assert sent.sender_chat.id == -1001
    emulator.user(ANN).start()
    forwarded = await bot.forward_message(ANN, -1001, post["channel_post"]["message_id"])
    assert forwarded.forward_origin is not None and forwarded.forward_origin.type == "channel"

    channel.demote_bot(by=ANN)
    assert channel.bot_status == "member"
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(-1001, "Posting without rights")
    assert refused.value.message == "Bad Request: need administrator rights in the channel chat"
    assert [m.text for m in channel.bot_messages()] == ["Posted by the bot"]


async def test_acting_in_a_chat_needs_membership(emulator: Emulator) -> None:
    group = sales(emulator)
    emulator.user(103, "Cem")
    with pytest.raises(EmulatorUsageError, match="not in chat"):
        group.send_text(103, "let me in")
    with pytest.raises(EmulatorUsageError, match="not in chat"):
        group.add_bot(by=103)
    with pytest.raises(EmulatorUsageError, match="already in chat"):
        group.add_member(ANN)
    with pytest.raises(EmulatorUsageError, match="not a channel"):
        group.post("news")
    with pytest.raises(EmulatorUsageError, match="is a group, not a channel"):
        emulator.group(-1001, kind="channel")
    with pytest.raises(EmulatorUsageError, match="negative id"):
        emulator.group(5, "Private?")
    group.add_bot(by=ANN)
    with pytest.raises(EmulatorUsageError, match="already in chat"):
        group.add_bot(by=BOB)
    assert emulator.group(-1001).has_bot


async def test_group_and_channel_updates_reach_a_webhook(bot: Bot, emulator: Emulator) -> None:
    posts: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        posts.append(await request.json())
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", receive)
    async with TestServer(app, host="127.0.0.1") as server:
        emulator.webhook.route("https://crm.example.test", str(server.make_url("")))
        assert await bot.set_webhook("https://crm.example.test/hook")
        group = sales(emulator, "supergroup")
        group.add_bot(by=ANN)
        group.send_text(BOB, "/deals")
        channel = emulator.group(-1002, "News", kind="channel")
        channel.add_member(ANN)
        channel.add_bot(by=ANN, admin=True)
        channel.post("Price list")
        await emulator.wait_for(lambda: not emulator.updates.pending and len(posts) == 5)
    delivered = sorted((Update.model_validate(p) for p in posts), key=lambda u: u.update_id)
    assert [u.event_type for u in delivered] == [
        "my_chat_member",
        "message",
        "message",
        "my_chat_member",
        "channel_post",
    ]
    assert [u.message.text for u in delivered if u.message] == [None, "/deals"]
    assert delivered[1].message is not None and delivered[1].message.new_chat_members
