"""Against the emulator with Telegram's limits on: a 429 storm loses nothing and nothing is
sent before retry_after has passed; a manager who blocked the bot has their deals moved."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import select

from bot.app import App, build_app
from bot.settings import Settings
from emulator import Emulator, Limits, start_emulator
from services import outbox
from services.clock import ManualClock
from services.db.deals import Deal
from services.db.users import User
from services.users import ensure_owners
from tests.support.delivery_seed import FIRST_CHAT, received, seed
from tests.support.seed import deal_for

CHATS, PER_CHAT = 60, 3


@dataclass
class Watch(BaseRequestMiddleware):
    """When each send was made and each 429 came back, on the emulator's own clock."""

    issued: list[tuple[float, int | None]] = field(default_factory=list)
    refused: list[tuple[float, int]] = field(default_factory=list)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        self.issued.append((time.monotonic(), getattr(method, "chat_id", None)))
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            self.refused.append((time.monotonic(), error.retry_after))
            raise


@dataclass
class Running:
    emulator: Emulator
    app: App
    watch: Watch


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[Running]:
    # Telegram allows 10 a second overall and 1 per chat here, while the bot is set to 40
    # and 2: it runs into 429s all the time.
    limits = Limits(enabled=True, per_chat_per_second=1, global_per_second=10)
    async with start_emulator(limits=limits) as running:
        settings = Settings(
            _env_file=None,
            bot_token=running.emulator.token,
            telegram_api_url=running.base_url,
            database_url=database_url,
            owner_ids=[1],
            send_rate_global=40,
            send_rate_per_chat=2,
            outbox_lease="4s",
            # Deals are handed over whatever the hour of the run.
            working_hours="mon-sun 00:00-24:00",
        )
        app = build_app(settings)
        watch = Watch()
        app.bot.session.middleware(watch)
        sender = asyncio.create_task(app.sender.run(idle=0.05))
        try:
            yield Running(running.emulator, app, watch)
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await app.bot.session.close()
            await app.engine.dispose()


async def test_a_429_storm_loses_nothing_and_waits_out_every_retry_after(
    limited: Running, database_url: str
) -> None:
    emu = limited.emulator
    total = await seed(database_url, emu, CHATS, PER_CHAT)
    limited.app.sender.wake()
    await emu.wait_for(lambda: len(received(emu, CHATS)) == total, timeout=60)
    seen = received(emu, CHATS)
    assert sum(seen.values()) == total  # every one, once
    assert len(emu.rate_limited) >= 3  # it was a storm
    sends = [r for r in emu.requests if r.method == "sendMessage"]
    for refusal in emu.rate_limited:
        # Telegram's side: that chat heard nothing until retry_after had passed.
        later = [
            r.time
            for r in sends
            if r.chat_id == refusal.chat_id
            and refusal.time < r.time < refusal.time + refusal.retry_after
        ]
        assert later == [], refusal
    for received_at, retry_after in limited.watch.refused:
        # The bot's side: no request at all was made before retry_after.
        early = [
            at
            for at, _chat in limited.watch.issued
            if received_at <= at < received_at + retry_after
        ]
        assert early == []
    assert len(limited.watch.refused) == len(emu.rate_limited)
    assert {r.chat_id for r in sends} == set(range(FIRST_CHAT, FIRST_CHAT + CHATS))


async def test_a_manager_who_blocked_the_bot_has_their_deals_moved(
    limited: Running,
) -> None:
    emu, app = limited.emulator, limited.app
    clock = ManualClock()
    async with app.sessions() as session:
        await ensure_owners(session, [1], clock.now())
        anna = User(tg_id=200, role="manager", first_name="Anna", created_at=clock.now())
        bako = User(tg_id=201, role="manager", first_name="Bako", created_at=clock.now())
        session.add_all([anna, bako])
        await session.commit()
        first = await deal_for(session, anna, clock)
        await deal_for(session, anna, clock, phone="+994501234568")
        outbox.enqueue(
            session,
            chat_id=200,
            kind="deal_card",
            payload={"deal_id": first.id},
            dedupe_key="card",
            now=clock.now(),
        )
        await session.commit()
    for tg_id, name in ((1, "Olga"), (200, "Anna"), (201, "Bako")):
        emu.user(tg_id, name).user.started = True
    emu.block(200)
    app.sender.wake()
    alert = await emu.wait_for(
        lambda: next((m for m in emu.messages(1) if "blocked the bot" in (m.text or "")), None),
        timeout=10,
    )
    assert alert.text == (
        "⚠️ Anna has blocked the bot and gets no notifications. "
        "2 open requests were handed over to others."
    )
    await emu.wait_for(lambda: len(emu.messages(201)) == 2 or None, timeout=10)
    async with app.sessions() as session:
        managers = list(await session.scalars(select(Deal.manager_id).order_by(Deal.id)))
        blocked = await session.scalar(select(User.blocked).where(User.tg_id == 200))
    assert managers == [bako.id, bako.id] and blocked is True
    assert [r.status for r in emu.requests if r.chat_id == 200] == [403]
