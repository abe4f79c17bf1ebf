"""The /_emulator JSON API and the Server-Sent Events stream used by the sandbox page."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from emulator import Emulator, Event
from tests.support.emulator import RawApi, png


async def test_acting_as_a_user_over_http(bot: Bot, raw: RawApi, emulator: Emulator) -> None:
    status, body = await raw.control(
        "POST", "users", json={"id": 301, "first_name": "Dilnoza", "language_code": "uz"}
    )
    assert (status, body["result"]["first_name"]) == (200, "Dilnoza")
    status, body = await raw.control("POST", "users/301/start", json={"payload": "deal_9"})
    assert body["result"]["message"]["text"] == "/start deal_9"
    photo = base64.b64encode(png(20, 10)).decode()
    status, body = await raw.control(
        "POST", "users/301/photo", json={"data_base64": photo, "caption": "scan"}
    )
    assert body["result"]["message"]["photo"][-1]["width"] == 20
    status, body = await raw.control("POST", "users/301/contact", json={"phone_number": "+1"})
    assert body["result"]["message"]["contact"]["user_id"] == 301
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]]
    )
    await bot.send_message(301, "<b>Done</b>", parse_mode="HTML", reply_markup=markup)
    status, body = await raw.control("GET", "users/301/messages")
    views = body["result"]
    assert [v["outgoing"] for v in views] == [False, False, False, True]
    assert views[-1]["html"] == "<b>Done</b>"
    press = asyncio.create_task(raw.control("POST", "users/301/press", json={"button": "OK"}))
    query = await emulator.wait_for(lambda: next(iter(emulator.callbacks.values()), None))
    assert await bot.answer_callback_query(query.id, text="Saved")
    status, body = await press
    assert body["result"] == {"text": "Saved", "show_alert": False, "url": None, "cache_time": 0}
    status, body = await raw.control("GET", "requests?since=0")
    assert [r["method"] for r in body["result"]] == ["sendMessage", "answerCallbackQuery"]
    status, body = await raw.control("POST", "users/999/text", json={"text": "x"})
    assert (status, body["ok"]) == (404, False)
    status, body = await raw.control("POST", "users/301/reply_button", json={"text": "nope"})
    assert status == 400 and "no reply keyboard button" in body["error"]


async def test_limits_block_and_uneditable_over_http(raw: RawApi, emulator: Emulator) -> None:
    emulator.user(301, "D").start()
    status, body = await raw.control("POST", "limits", json={"enabled": True})
    assert body["result"] == {"enabled": True, "per_chat_per_second": 1, "global_per_second": 30}
    assert emulator.limits.enabled
    status, body = await raw.control("POST", "limits", json={"global_per_second": 0})
    assert status == 400
    assert (await raw.control("POST", "users/301/block"))[0] == 200
    assert emulator.users[301].blocked
    status, _ = await raw.control("POST", "chats/301/messages/1/uneditable")
    assert status == 200 and emulator.messages(301)[0].editable is False


async def read_events(raw: RawApi, count: int, since: int | None) -> list[dict[str, Any]]:
    query = "" if since is None else f"?since={since}"
    events: list[dict[str, Any]] = []
    async with raw.http.get(f"{raw.base}/_emulator/events{query}") as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        async for line in response.content:
            if line.startswith(b"data: "):
                events.append(json.loads(line[len(b"data: ") :]))
                if len(events) == count:
                    break
    return events


async def test_event_stream(bot: Bot, raw: RawApi, emulator: Emulator) -> None:
    seen: list[Event] = []
    emulator.bus.add_listener(seen.append)
    user = emulator.user(301, "D")
    user.start()
    replay = await read_events(raw, 2, since=0)
    assert [e["kind"] for e in replay] == ["user", "message"]
    live = asyncio.create_task(read_events(raw, 3, since=emulator.bus.history[-1].seq))
    sent = await bot.send_message(301, "v1")
    await bot.edit_message_text("v2", chat_id=301, message_id=sent.message_id)
    await bot.delete_message(301, sent.message_id)
    events = await asyncio.wait_for(live, 5)
    assert [e["kind"] for e in events] == ["message", "edit", "delete"]
    assert events[1]["data"]["message"]["text"] == "v2"
    assert [e.kind for e in seen][-3:] == ["message", "edit", "delete"]
