"""Intake through the bot with the 100 rules and without, as customers and managers meet it.

The bot runs as its own process on SQLite, polling the Bot API emulator served by this one, as
benchmarks/intake.py runs it: the owner, 10 managers on duty (each has pressed /start) and the
100 rules of benchmarks/rule_mix.py are in its database before it starts. Customers write one
request each; a request is done when its manager has the card and the customer every message the
bot owes them: the confirmation, and with the rules on also the rule's "thank you" (which the
bot joins to the confirmation when they wait together, as they do here). It is
measured again with that rule tagging the request instead: the evaluation's cost apart from the
Bot API call more per request. Groups with the rules switched on and off take turns on the same
bot and database, round after round (the rules switched in the database between groups: the bot
reads them for every request), so the machine's drift and the growing tables weigh on both
alike; the medians over the rounds are printed. Telegram's limits and the bot's send budget are
off, as in benchmarks/intake.py: with them on, the rate would be Telegram's 30 messages a second
either way.
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update

from benchmarks import rule_mix
from benchmarks.intake import FIRST_CUSTOMER, Arrivals, _spawn, _stop, bot_env
from emulator import Emulator, start_emulator
from emulator.models import Event
from services.db.engine import create_engine, session_factory
from services.db.rules import Rule

START = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
STAFF = range(rule_mix.OWNER + 1, rule_mix.OWNER + rule_mix.MANAGERS + 1)


async def _prepared(url: str, thanks: bool) -> None:
    engine = await rule_mix.fresh(url)
    try:
        async with session_factory(engine)() as session:
            owner = await rule_mix.staff(session, START)
            await rule_mix.make(session, owner, rule_mix.intake_rules(thanks), START)
    finally:
        await engine.dispose()


async def _switch(url: str, on: bool) -> None:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            await session.execute(update(Rule).values(enabled=on))
            await session.commit()
    finally:
        await engine.dispose()


class _Thanked:
    """The customers whose messages from the bot carried the rules' thanks."""

    def __init__(self, emu: Emulator) -> None:
        self.chats: set[int] = set()
        emu.bus.add_listener(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.kind != "message" or not event.data["outgoing"] or event.chat_id is None:
            return
        if rule_mix.THANKS in (event.data["message"].get("text") or ""):
            self.chats.add(event.chat_id)


class _Group:
    """Customers `first`.. `first + count - 1`, writing at once; done when each has had a
    message (and, `thanked`, the rules' thanks: joined with the confirmation when they wait
    together) and the managers `count` more than before."""

    def __init__(
        self, emu: Emulator, arrivals: Arrivals, thanked: _Thanked | None, first: int, count: int
    ) -> None:
        self.emu, self.arrivals, self.thanked = emu, arrivals, thanked
        self.ids = range(first, first + count)
        self.cards_before = sum(arrivals.per_chat[m] for m in STAFF)

    def done(self) -> bool:
        cards = sum(self.arrivals.per_chat[m] for m in STAFF) - self.cards_before
        thanked = self.thanked is None or self.thanked.chats.issuperset(self.ids)
        return not self.arrivals.waiting and cards >= len(self.ids) and thanked

    async def rate(self) -> float:
        users = [self.emu.user(i, f"Customer {i}", language_code="en") for i in self.ids]
        self.arrivals.expect(self.ids, 1)
        gc.collect()
        started = time.perf_counter()
        for user in users:
            user.send_text(f"Need {user.id % 97} chairs, please call me back")
        await self.arrivals.until(self.done)
        return len(self.ids) / (time.perf_counter() - started)


async def measure(workdir: str, customers: int, rounds: int, thanks: bool) -> dict[str, Any]:
    """With `thanks` the rules' mix as it is; without, the rule thanking each customer tags the
    request instead: what the evaluation costs apart from the message it sends."""
    url = f"sqlite+aiosqlite:///{Path(workdir) / ('rules.db' if thanks else 'tags.db')}"
    await _prepared(url, thanks)
    async with start_emulator() as running:
        emu = running.emulator
        arrivals = Arrivals(emu)
        thanked = _Thanked(emu) if thanks else None
        env = bot_env(emu, running.base_url, url)
        process = await _spawn(["-m", "bot", "run"], env)
        try:
            for manager in STAFF:
                emu.user(manager, f"M{manager}", language_code="en").start()
                await arrivals.until(lambda m=manager: arrivals.per_chat[m] >= 1, timeout=60)
            rates: dict[bool, list[float]] = {False: [], True: []}
            first = FIRST_CUSTOMER
            # A warm-up with the rules on, not counted.
            await _Group(emu, arrivals, thanked, first, customers // 10).rate()
            first += customers // 10
            for round_ in range(rounds):
                for on in (False, True) if round_ % 2 == 0 else (True, False):
                    await _switch(url, on)
                    group = _Group(emu, arrivals, thanked if on else None, first, customers)
                    rates[on].append(await group.rate())
                    first += customers
        finally:
            await _stop(process)
    return {
        "benchmark": "rules",
        "measure": "intake_through_the_bot",
        "mix": "as it is" if thanks else "a tag in place of the message to the customer",
        "database": "sqlite",
        "customers_per_round": customers,
        "rounds": rounds,
        **rule_mix.compared(rates),
    }
