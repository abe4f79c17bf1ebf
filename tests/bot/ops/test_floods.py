"""Telegram's 429s, as the Bot API emulator answers them with Telegram's limits on, counted by
what had to wait."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SetMyCommands
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App, build_app
from bot.http.server import create_http_app
from bot.sender.pacing import UNLIMITED
from bot.settings import Settings
from emulator import Emulator, Limits, start_emulator
from presentation import commands
from services.clock import ManualClock
from tests.support.fakes import GrantingBudget
from tests.support.ops import Ops, samples

OWNER_ID, LEYLA = 1, 100
FLOODS = 'axin_telegram_429_total{scope="%s"}'


class EmulatorTime(GrantingBudget):
    """Sends at once, as a bot with no budget of its own would; a 429's pause moves the
    emulator's clock on by as much, rather than being waited out."""

    def __init__(self, emulator_now: list[float]) -> None:
        super().__init__()
        self.emulator_now = emulator_now

    def pause(self, seconds: float) -> None:
        super().pause(seconds)
        self.emulator_now[0] += seconds

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        self.log.append(f"pause {chat_id} {seconds:g}")
        self.emulator_now[0] += seconds


@dataclass
class Limited:
    emulator: Emulator
    app: App
    budget: EmulatorTime


@pytest.fixture
async def limited(database_url: str, clock: ManualClock) -> AsyncIterator[Limited]:
    now = [0.0]
    emulator = Emulator(limits=Limits(enabled=True), clock=lambda: now[0])
    async with start_emulator(emulator=emulator) as running:
        settings = Settings(
            _env_file=None,
            bot_token=emulator.token,
            telegram_api_url=running.base_url,
            database_url=database_url,
            owner_ids=[OWNER_ID],
            send_rate_global=UNLIMITED,
            send_rate_per_chat=UNLIMITED,
        )
        budget = EmulatorTime(now)
        app = build_app(settings, clock=clock, budget=budget)
        try:
            yield Limited(emulator, app, budget)
        finally:
            await app.bot.session.close()
            await app.engine.dispose()


async def scrape(app: App) -> dict[str, float]:
    async with TestClient(TestServer(create_http_app(app))) as client:
        response = await client.get("/metrics")
        return samples(await response.text())


async def test_429s_from_telegram_are_counted_as_overall_or_one_chats(limited: Limited) -> None:
    emulator, bot = limited.emulator, limited.app.bot
    emulator.user(OWNER_ID, "Olga").start()
    emulator.user(LEYLA, "Leyla").start()
    group = emulator.group(-1001, "Sales", kind="supergroup")
    group.add_member(OWNER_ID)
    group.add_bot(by=OWNER_ID)
    before = await scrape(limited.app)
    assert (before[FLOODS % "overall"], before[FLOODS % "chat"]) == (0, 0)

    for text in ("One", "Two"):  # a second message to one chat within a second
        await bot.send_message(LEYLA, text)
    for text in ("One", "Two"):
        await bot.send_message(group.id, text)

    refused = [(r.chat_id, r.retry_after) for r in emulator.rate_limited]
    assert refused == [(LEYLA, 1), (group.id, 1)]
    assert limited.budget.log.count("pause 1") == 1  # Leyla's: every send waits
    assert f"pause {group.id} 1" in limited.budget.log  # the group's: only it waits
    after = await scrape(limited.app)
    assert (after[FLOODS % "overall"], after[FLOODS % "chat"]) == (1, 1)
    # Each message counted once, when Telegram took it.
    assert after['axin_sends_total{kind="answer"}'] == 4
    assert [m.text for m in emulator.user(LEYLA).bot_messages()] == ["One", "Two"]


async def test_a_429_on_a_call_that_spends_no_send_budget_is_counted_apart(ops: Ops) -> None:
    ops.session.refuse["setMyCommands"] = TelegramRetryAfter(
        SetMyCommands(commands=[]), "Too Many Requests: retry later", 4
    )
    await commands.set_default(ops.tg.app.bot, ops.tg.app.i18n)
    seen = await ops.metrics()
    assert (seen[FLOODS % "call"], seen[FLOODS % "overall"], seen[FLOODS % "chat"]) == (1, 0, 0)
    assert seen['axin_sends_total{kind="answer"}'] == 0
