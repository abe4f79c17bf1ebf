"""What an operator watches, served at /metrics in Prometheus's text format by prometheus_client.
Each App has a registry of its own, so several in one process (tests, the sandbox) do not mix.
Counters and histograms are kept where things happen; the outbox is read from the database when
scraped, since every worker shares it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Literal

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.pacing import Priority
from services import outbox

UpdateFailure = Literal["retried", "given_up", "answer_lost"]
# overall: a private chat's 429, which stops every send; chat: a group's, which stops only that
# chat's; call: a call that spends no send budget (setting the webhook or the menus).
FloodScope = Literal["overall", "chat", "call"]
Reclaimed = Literal["outbox_chat", "inbox_update"]
SweepOutcome = Literal["ok", "error", "missed", "skipped"]

_UPDATE_FAILURES: tuple[UpdateFailure, ...] = ("retried", "given_up", "answer_lost")
_FLOOD_SCOPES: tuple[FloodScope, ...] = ("overall", "chat", "call")
_RECLAIMED: tuple[Reclaimed, ...] = ("outbox_chat", "inbox_update")
_LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class _Outbox:
    """The outbox's backlog, as last read; nothing while the database does not answer."""

    def __init__(self) -> None:
        self.read: tuple[int, float] | None = None

    def collect(self) -> Iterable[Metric]:
        if self.read is None:
            return
        rows, oldest = self.read
        yield GaugeMetricFamily(
            "axin_outbox_backlog", "Outbox messages not sent yet and not given up", value=rows
        )
        yield GaugeMetricFamily(
            "axin_outbox_oldest_seconds",
            "Age of the oldest outbox message not sent yet (0 when there is none)",
            value=oldest,
        )


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self._handled = Counter(
            "axin_updates_handled", "Updates whose handling finished", registry=registry
        )
        self._failed = Counter(
            "axin_updates_failed",
            "Updates whose handling failed: left to be tried again, given up, or handled "
            "with the answer lost",
            ["outcome"],
            registry=registry,
        )
        self._handling = Histogram(
            "axin_update_handling_seconds", "Time an update's handler took", registry=registry
        )
        self._sends = Counter(
            "axin_sends",
            "Messages sent or edited, as Telegram answered them: answers to a person's own "
            "action, or notices to others",
            ["kind"],
            registry=registry,
        )
        self._floods = Counter(
            "axin_telegram_429",
            "Telegram's 429 answers (too many requests), by what had to wait",
            ["scope"],
            registry=registry,
        )
        self._reclaimed = Counter(
            "axin_claims_reclaimed",
            "Work taken over from another worker whose claim ran out or that is gone",
            ["what"],
            registry=registry,
        )
        self._sweeps = Counter(
            "axin_sweep_runs",
            "Scheduled sweeps, by outcome",
            ["sweep", "outcome"],
            registry=registry,
        )
        self._sweep_lag = Histogram(
            "axin_sweep_lag_seconds",
            "How late a sweep started against its scheduled time",
            ["sweep"],
            buckets=_LAG_BUCKETS,
            registry=registry,
        )
        self._outbox = _Outbox()
        registry.register(self._outbox)
        # Every series an operator may alert on exists from the start, at 0.
        for failure in _UPDATE_FAILURES:
            self._failed.labels(failure)
        for priority in Priority:
            self._sends.labels(priority.name.lower())
        for scope in _FLOOD_SCOPES:
            self._floods.labels(scope)
        for what in _RECLAIMED:
            self._reclaimed.labels(what)
        self._expose = make_aiohttp_handler(registry)

    def update_handled(self) -> None:
        self._handled.inc()

    def update_failed(self, outcome: UpdateFailure) -> None:
        self._failed.labels(outcome).inc()

    @contextmanager
    def handling(self) -> Iterator[None]:
        with self._handling.time():
            yield

    def sent(self, priority: Priority) -> None:
        self._sends.labels(priority.name.lower()).inc()

    def flooded(self, scope: FloodScope) -> None:
        self._floods.labels(scope).inc()

    def reclaimed(self, what: Reclaimed, count: int) -> None:
        if count:
            self._reclaimed.labels(what).inc(count)

    def sweep_started(self, sweep: str, late: float) -> None:
        self._sweep_lag.labels(sweep).observe(max(0.0, late))

    def sweep_ended(self, sweep: str, outcome: SweepOutcome) -> None:
        self._sweeps.labels(sweep, outcome).inc()

    async def serve(
        self, request: web.Request, sessions: async_sessionmaker[AsyncSession], now: datetime
    ) -> web.StreamResponse:
        """The metrics, with the outbox read now."""
        try:
            async with sessions() as session:
                rows, oldest = await outbox.backlog(session)
        except (SQLAlchemyError, OSError):
            self._outbox.read = None
        else:
            age = (now - oldest).total_seconds() if oldest is not None else 0.0
            self._outbox.read = (rows, max(0.0, age))
        return await self._expose(request)
