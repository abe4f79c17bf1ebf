"""Direct answers keep the send budget too: a 429 is waited out and the answer made again, and
a press whose redraw must wait is answered at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from bot.app import build_app
from bot.sender.budget import BudgetMiddleware
from bot.sender.pacing import Priority, Ticket
from presentation import commands
from services.clock import ManualClock
from services.users import ensure_owners
from tests.support.deals import ANNA, CARD, new_deal
from tests.support.fakes import FlakySession, GrantingBudget
from tests.support.harness import Harness, make_settings, person

LEYLA = person(100, "Leyla")


class HeldBudget(GrantingBudget):
    """Holds sends to one chat back until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.held: int | None = None
        self.release_held = asyncio.Event()

    async def acquire(self, chat_id: int, priority: Priority, place: int | None = None) -> Ticket:
        if chat_id == self.held:
            await self.release_held.wait()
        return await super().acquire(chat_id, priority, place)


class NotingSession(FlakySession):
    def __init__(self) -> None:
        super().__init__()
        self.answered = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        if isinstance(method, AnswerCallbackQuery):
            self.answered.set()
        return await super().make_request(bot, method, timeout)


@pytest.fixture
async def tgb(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    recorder, budget = NotingSession(), HeldBudget()
    settings = make_settings(database_url)
    app = build_app(settings, clock=clock, session=recorder, budget=budget)
    async with app.sessions() as session:
        await ensure_owners(session, settings.owner_ids, clock.now())
    await app.bot.me()
    recorder.calls.clear()
    yield Harness(app, recorder)
    await app.dispatcher.storage.close()
    await app.engine.dispose()


async def test_an_answer_refused_with_429_is_made_again_after_retry_after(tgb: Harness) -> None:
    flaky = tgb.recorder
    assert isinstance(flaky, FlakySession)
    flaky.errors.append(
        TelegramRetryAfter(SendMessage(chat_id=LEYLA.id, text="x"), "Too Many Requests", 3)
    )
    refused, answered = await tgb.send(LEYLA, "/requests")
    assert refused == answered
    assert answered.text == "You have no requests yet. Just write here what you need."
    budget = tgb.app.budget
    assert isinstance(budget, HeldBudget)
    assert budget.log == [
        f"acquire {LEYLA.id}",
        "ended",
        "pause 3",
        f"acquire {LEYLA.id}",
        "ended",
    ]


async def test_a_press_whose_redraw_must_wait_is_answered_first(
    tgb: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(BudgetMiddleware, "prompt", 0.0)
    await new_deal(tgb)
    budget = tgb.app.budget
    assert isinstance(budget, HeldBudget)
    budget.held = ANNA.id
    pressing = asyncio.create_task(tgb.press(ANNA, "d:t:1", message_id=CARD))
    flaky = tgb.recorder
    assert isinstance(flaky, NotingSession)
    async with asyncio.timeout(5):
        await flaky.answered.wait()
    assert not pressing.done()
    budget.release_held.set()
    answer, edit = await pressing
    assert isinstance(answer, AnswerCallbackQuery) and isinstance(edit, EditMessageText)
    assert edit.text.startswith("<b>Request #1</b>")


async def test_a_press_answered_as_usual_when_nothing_waits(tgb: Harness) -> None:
    await new_deal(tgb)
    edit, answer = await tgb.press(ANNA, "d:t:1", message_id=CARD)
    assert isinstance(edit, EditMessageText) and isinstance(answer, AnswerCallbackQuery)


async def test_a_call_outside_the_budget_refused_with_429_is_made_again(tgb: Harness) -> None:
    """Setting the commands at start, say: only that call waits, and it is made again."""
    flaky = tgb.recorder
    assert isinstance(flaky, FlakySession)
    flaky.errors.append(
        TelegramRetryAfter(SetMyCommands(commands=[]), "Too Many Requests: retry later", 4)
    )
    await commands.set_default(tgb.app.bot, tgb.app.i18n)
    assert [type(call) for call in flaky.calls[:2]] == [SetMyCommands, SetMyCommands]
    assert flaky.calls[0] == flaky.calls[1]
    budget = tgb.app.budget
    assert isinstance(budget, HeldBudget)
    assert budget.log == ["wait 4"]
