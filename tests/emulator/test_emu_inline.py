"""Inline mode: queries reach the bot only when it is on, answers are refused as Telegram
refuses them, and a chosen result is the user's message via the bot."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)

from emulator import Emulator, Event, InlineAnswer
from tests.support.emulator import FakeClock, RawApi

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
SITE = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Site", url="https://example.com")]]
)


def article(result_id: str = "a1", text: str = "Pizza", **extra: Any) -> dict[str, Any]:
    content = {"message_text": text, **extra}
    return {"type": "article", "id": result_id, "title": "T", "input_message_content": content}


def text_result(result_id: str) -> InlineQueryResultArticle:
    content = InputTextMessageContent(message_text=f"Result {result_id}")
    return InlineQueryResultArticle(id=result_id, title="T", input_message_content=content)


async def drain(bot: Bot) -> list[Update]:
    """The pending updates, confirmed."""
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


async def next_query(bot: Bot) -> InlineQuery:
    query = (await drain(bot))[-1].inline_query
    assert query is not None
    return query


async def answer(raw: RawApi, query_id: str, results: list[Any], **extra: Any) -> str:
    """The description of a refused answer ('' if accepted)."""
    body = {"inline_query_id": query_id, "results": results, **extra}
    status, reply = await raw.call("answerInlineQuery", json=body)
    assert (status == 200) == reply["ok"]
    return "" if reply["ok"] else str(reply["description"])


async def test_get_me_reports_inline_mode(bot: Bot, emulator: Emulator) -> None:
    assert (await bot.get_me()).supports_inline_queries is False
    emulator.set_inline("Search deals…")
    assert (await bot.get_me()).supports_inline_queries is True
    emulator.set_inline(None)
    assert (await bot.get_me()).supports_inline_queries is False
    assert Emulator(inline_placeholder="Find").settings.inline_placeholder == "Find"


async def test_inline_mode_off_the_bot_hears_nothing(
    bot: Bot, raw: RawApi, emulator: Emulator
) -> None:
    ann = emulator.user(101, "Ann")
    query_id = ann.inline_query("pizza")
    assert await bot.get_updates() == []
    assert await ann.wait_for_inline_answer(query_id) is None
    assert await answer(raw, query_id, [article()]) == TOO_OLD


async def test_query_answer_and_the_message_sent_via_the_bot(bot: Bot, emulator: Emulator) -> None:
    emulator.set_inline("Search…")
    ann = emulator.user(101, "Ann")
    ann.inline_query("piz", offset="20")
    query = await next_query(bot)
    assert (query.query, query.offset, query.chat_type, query.from_user.id) == (
        "piz",
        "20",
        "sender",
        101,
    )
    result = InlineQueryResultArticle(
        id="pizza",
        title="Pizza",
        description="Margherita",
        input_message_content=InputTextMessageContent(
            message_text="<b>Pizza</b> ordered", parse_mode="HTML"
        ),
        reply_markup=SITE,
    )
    button = InlineQueryResultsButton(text="Open the bot", start_parameter="menu")
    assert await bot.answer_inline_query(
        query.id, [result], cache_time=0, next_offset="40", button=button
    )
    seen = await ann.wait_for_inline_answer(query.id)
    assert seen == InlineAnswer(
        query.id,
        [
            {
                "type": "article",
                "id": "pizza",
                "title": "Pizza",
                "input_message_content": {
                    "message_text": "<b>Pizza</b> ordered",
                    "parse_mode": "HTML",
                },
                "reply_markup": {
                    "inline_keyboard": [[{"text": "Site", "url": "https://example.com"}]]
                },
                "description": "Margherita",
            }
        ],
        "40",
        0,
        False,
        {"text": "Open the bot", "start_parameter": "menu"},
    )
    sent = ann.choose_inline_result(query.id, "pizza")
    assert sent is not None and not sent.outgoing
    assert (sent.text, sent.entities) == (
        "Pizza ordered",
        [{"type": "bold", "offset": 0, "length": 5}],
    )
    assert sent.via_bot == emulator.bot_user() and sent.inline_keyboard is not None
    [update] = await bot.get_updates()
    message = update.message
    assert message is not None and message.via_bot is not None
    assert (message.via_bot.id, message.from_user and message.from_user.id) == (
        emulator.bot_id,
        101,
    )
    assert message.text == "Pizza ordered" and isinstance(message.reply_markup, type(SITE))
    assert message.reply_markup.inline_keyboard[0][0].url == "https://example.com"
    assert update.chosen_inline_result is None


async def test_chosen_inline_result_only_with_feedback(bot: Bot, emulator: Emulator) -> None:
    emulator.set_inline("Search…")
    ann = emulator.user(101, "Ann")
    ann.inline_query("cat")
    query = await next_query(bot)
    photo = InlineQueryResultPhoto(
        id="p1",
        photo_url="https://example.com/cat.jpg",
        thumbnail_url="https://example.com/cat_small.jpg",
        photo_width=640,
        photo_height=480,
        caption="A <i>cat</i>",
        parse_mode="HTML",
        reply_markup=SITE,
    )
    await bot.answer_inline_query(query.id, [photo])
    ann.choose_inline_result(query.id, "p1")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.photo is not None
    assert (update.message.photo[-1].width, update.message.caption) == (640, "A cat")
    emulator.set_inline("Search…", feedback=True)
    ann.choose_inline_result(query.id, "p1")
    updates = await bot.get_updates(offset=update.update_id + 1)
    assert [u.message is not None for u in updates] == [True, False]
    chosen = updates[1].chosen_inline_result
    assert chosen is not None
    assert (chosen.result_id, chosen.query, chosen.from_user.id) == ("p1", "cat", 101)
    assert chosen.inline_message_id  # the result carries an inline keyboard
    # Typed in a private chat with someone else: nothing the emulator keeps, but feedback.
    ann.inline_query("dog", chat_type="private")
    query = await next_query(bot)
    assert query.chat_type == "private"
    await bot.answer_inline_query(query.id, [text_result("d")])
    assert ann.choose_inline_result(query.id, "d") is None
    [update] = await bot.get_updates()
    assert update.chosen_inline_result is not None
    assert update.chosen_inline_result.inline_message_id is None


async def test_each_refusal_has_telegrams_words(
    raw: RawApi, emulator: Emulator, clock: FakeClock
) -> None:
    emulator.set_inline("Search…")
    query_id = emulator.user(101, "Ann").inline_query("x")
    photo = {"type": "photo", "id": "p", "photo_url": "https://example.com/a.jpg"}
    cases: list[tuple[list[Any], dict[str, Any], str]] = [
        ([article(str(i)) for i in range(51)], {}, "too many inline query results specified"),
        ([article("a"), article("a")], {}, "RESULT_ID_DUPLICATE"),
        ([article("я" * 33)], {}, "RESULT_ID_INVALID"),
        ([article("")], {}, "RESULT_ID_EMPTY"),
        ([article(text="<b> </b>", parse_mode="HTML")], {}, "message must be non-empty"),
        (
            [article(text="")],
            {},
            "can't parse inline query result: Input message content is not specified",
        ),
        (
            [article(text="<b>x", parse_mode="HTML")],
            {},
            "can't parse inline query result: Can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        ([article(text="x" * 4097)], {}, "MESSAGE_TOO_LONG"),
        (
            [{"type": "article", "id": "a", "input_message_content": {"message_text": "x"}}],
            {},
            "can't parse inline query result: Can't find field \"title\"",
        ),
        (
            [{"type": "photo", "id": "p"}],
            {},
            "can't parse inline query result: Can't find field \"photo_file_id\"",
        ),
        ([photo], {}, "can't parse inline query result: Can't find field \"thumbnail_url\""),
        (
            [{"type": "poll", "id": "p"}],
            {},
            'can\'t parse inline query result: type "poll" is unsupported for the inline '
            "query result",
        ),
        (
            [{**article(), "reply_markup": {"keyboard": [[{"text": "a"}]]}}],
            {},
            "inline keyboard expected",
        ),
        ([article()], {"next_offset": "o" * 65}, "NEXT_OFFSET_INVALID"),
        (
            [article()],
            {"button": {"text": "Go"}},
            "can't parse inline query results button: "
            "InlineQueryResultsButton must have exactly one optional field",
        ),
    ]
    for results, extra, reason in cases:
        assert await answer(raw, query_id, results, **extra) == f"Bad Request: {reason}"
    assert await answer(raw, query_id, [article(str(i)) for i in range(50)]) == ""
    assert await answer(raw, query_id, [article()]) == TOO_OLD
    late = emulator.user(101).inline_query("y")
    clock.advance(10.5)
    assert await answer(raw, late, [article()]) == TOO_OLD
    assert await answer(raw, "12345", [article()]) == TOO_OLD
    refused = [r for r in emulator.requests if r.method == "answerInlineQuery"]
    assert len(refused) == len(cases) + 4 and refused[-1].status == 400


async def test_aiogram_sees_the_refusal(bot: Bot, emulator: Emulator) -> None:
    emulator.set_inline("Search…")
    query_id = emulator.user(101, "Ann").inline_query("x")
    with pytest.raises(TelegramBadRequest, match="RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(query_id, [text_result("a"), text_result("a")])


async def test_switch_inline_button_starts_an_inline_query(bot: Bot, emulator: Emulator) -> None:
    emulator.set_inline("Search…")
    ann = emulator.user(101, "Ann")
    ann.start()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Find", switch_inline_query_current_chat="deal ")]
        ]
    )
    await bot.send_message(101, "Search your deals", reply_markup=markup)
    await drain(bot)
    pressed = asyncio.create_task(ann.press("Find"))
    [update] = await bot.get_updates(timeout=5)
    query = update.inline_query
    assert query is not None and (query.query, query.chat_type) == ("deal ", "sender")
    await bot.answer_inline_query(query.id, [text_result("d1")])
    seen = await pressed
    assert isinstance(seen, InlineAnswer) and seen.query_id == query.id
    assert [r["id"] for r in seen.results] == ["d1"] and emulator.callbacks == {}


async def test_a_result_chosen_in_a_group_reaches_the_bot_in_privacy_mode(
    bot: Bot, emulator: Emulator
) -> None:
    emulator.set_inline("Search…")
    team = emulator.group(-100500, "Team", kind="supergroup")
    team.add_member(101)
    team.add_bot(by=101)
    await drain(bot)
    ann = emulator.user(101)
    ann.inline_query("report", chat_id=team.id)
    query = await next_query(bot)
    assert query.chat_type == "supergroup"
    await bot.answer_inline_query(query.id, [text_result("r")])
    sent = ann.choose_inline_result(query.id, "r")
    assert sent is not None and sent.chat_id == team.id
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.chat.id == team.id
    assert update.message.via_bot is not None


async def test_control_routes_and_events(bot: Bot, raw: RawApi, emulator: Emulator) -> None:
    seen: list[Event] = []
    emulator.bus.add_listener(seen.append)
    status, body = await raw.control("POST", "inline", json={"placeholder": "Find", "feedback": 1})
    assert body["result"] == {"enabled": True, "placeholder": "Find", "feedback": True}
    assert (await raw.control("GET", "state"))[1]["result"]["inline"]["enabled"] is True
    await raw.control("POST", "users", json={"id": 301, "first_name": "Dilnoza"})
    status, body = await raw.control("POST", "users/301/inline_query", json={"query": "q"})
    query_id = body["result"]["query_id"]
    assert body["result"]["delivered"] is True
    status, body = await raw.control("GET", f"inline_queries/{query_id}")
    assert (status, body["ok"]) == (404, False)
    await bot.answer_inline_query(query_id, [text_result("r1")])
    status, body = await raw.control("GET", f"inline_queries/{query_id}")
    assert status == 200 and [r["id"] for r in body["result"]["results"]] == ["r1"]
    assert body["result"]["cache_time"] == 300
    status, body = await raw.control(
        "POST", "users/301/choose_inline_result", json={"query_id": query_id, "result_id": "r1"}
    )
    assert body["result"]["message"]["via_bot"]["id"] == emulator.bot_id
    status, body = await raw.control(
        "POST", "users/301/choose_inline_result", json={"query_id": query_id, "result_id": "no"}
    )
    assert status == 400 and "no result 'no'" in body["error"]
    kinds = [e.kind for e in seen]
    assert kinds[kinds.index("inline_query") :] == [
        "inline_query",
        "inline_answer",
        "message",
        "chosen_inline_result",
    ]
    assert [r.method for r in emulator.requests] == ["answerInlineQuery"]
    await raw.control("POST", "inline", json={"placeholder": None})
    assert (await bot.get_me()).supports_inline_queries is False
    assert emulator.settings.inline_feedback is True
