"""LOG_FORMAT=json: one JSON object per line, naming the update and the deal it is about."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update
from pydantic import ValidationError

from bot.logs import log_handler
from bot.settings import Settings
from tests.support.fakes import BOT_USER
from tests.support.harness import OWNER_ID, person
from tests.support.ops import Ops

LEYLA = person(100, "Leyla")
OLGA = person(OWNER_ID, "Olga")


class Lines:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def saying(self, start: str) -> list[dict[str, Any]]:
        return [line for line in self.parsed() if line["message"].startswith(start)]


@pytest.fixture
def lines() -> Iterator[Lines]:
    captured = Lines()
    handler = log_handler("json", captured.stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield captured
    root.removeHandler(handler)
    root.setLevel(level)


def press(user: Any, data: str, update_id: int) -> Update:
    chat = Chat(id=user.id, type="private", first_name=user.first_name)
    shown = Message(
        message_id=500, date=datetime.now(UTC), chat=chat, from_user=BOT_USER, text="…"
    )
    query = CallbackQuery(
        id=str(update_id), from_user=user, chat_instance="ci", data=data, message=shown
    )
    return Update(update_id=update_id, callback_query=query)


async def test_lines_name_the_update_and_the_deal_they_are_about(ops: Ops, lines: Lines) -> None:
    await ops.take(ops.tg.message(LEYLA, "A grey sofa, please"))  # request #1
    card = SendMessage(chat_id=OWNER_ID, text="…")
    ops.session.refuse["sendMessage"] = TelegramBadRequest(card, "Bad Request: chat not found")
    await ops.tg.deliver()
    [refused] = lines.saying("outbox rows")
    assert (refused["level"], refused["logger"], refused["deal_id"]) == (
        "ERROR",
        "bot.sender.sender",
        1,
    )
    assert "update_id" not in refused  # the sender works for no update

    edit = EditMessageText(chat_id=OWNER_ID, message_id=500, text="…")
    ops.session.refuse["editMessageText"] = TelegramRetryAfter(edit, "Too Many Requests", 3)
    await ops.take_update(press(OLGA, "dk:n:1:1:0", update_id=777))  # the next stage
    [flood] = lines.saying("Telegram asked to wait")
    assert flood == {
        "time": flood["time"],
        "level": "WARNING",
        "logger": "bot.sender.budget",
        "message": "Telegram asked to wait 3 s; editMessageText is made again then",
        "update_id": 777,
        "deal_id": 1,
    }
    assert datetime.fromisoformat(flood["time"]).tzinfo is not None


async def test_a_failure_is_one_line_with_its_traceback(
    ops: Ops, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def bug(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(ops.tg.app.dispatcher, "feed_update", bug)
    update_id = await ops.take(ops.tg.message(LEYLA, "A grey sofa, please"))
    [failed] = lines.saying(f"update {update_id} failed")
    assert failed["update_id"] == update_id and "deal_id" not in failed
    assert failed["exception"].endswith("RuntimeError: a bug\nover two lines")
    assert len(lines.stream.getvalue().splitlines()) == len(lines.parsed())


def test_the_log_format_is_text_or_json() -> None:
    assert Settings(_env_file=None).log_format == "text"
    assert Settings(_env_file=None, log_format="json").log_format == "json"
    with pytest.raises(ValidationError, match="log_format"):
        Settings(_env_file=None, log_format="xml")
