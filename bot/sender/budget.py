"""The send budget on the event loop's clock, and the request middleware through which every
message the bot sends or edits keeps it: direct answers and the outbox alike. A 429 is waited
out for exactly its retry_after, then the call is made again (Telegram did not act on it)."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from redis.exceptions import RedisError

from bot.metrics import Metrics
from bot.sender.pacing import Pacing, Priority, Ticket
from bot.sender.shared_budget import Rates, SharedBudget, rates_of
from bot.workers import worker_name

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# A press whose redraw waits longer than this for the budget is answered first.
PROMPT = 0.5
FORGET_IDLE_OVER = 10_000

_priority: ContextVar[Priority] = ContextVar("send_priority", default=Priority.ANSWER)
# Answers the button press being handled now, if it is not answered yet.
pending_press: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "pending_press", default=None
)


@contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Sends made inside go at this priority (by default, as the answer to an update)."""
    token = _priority.set(priority)
    try:
        yield
    finally:
        _priority.reset(token)


class SendBudget:
    """This process's queue of sends; with `shared`, each send granted here also takes its
    slot in the budget every process of the bot shares (`bot/shared_budget.py`)."""

    def __init__(
        self,
        per_second: float,
        per_chat_per_second: float,
        shared: Callable[[Rates], SharedBudget] | None = None,
    ) -> None:
        self.pacing = Pacing(per_second, per_chat_per_second)
        self.shared = shared(rates_of(self.pacing)) if shared is not None else None
        self._granting: dict[Ticket, asyncio.Future[None]] = {}
        self._ended: dict[int, asyncio.Event] = {}
        self._timer: asyncio.TimerHandle | None = None
        # One send of this process at a time waits on the shared overall budget, the rest
        # behind it in the order granted here: the shared budget is not asked by every
        # waiting send at each free slot.
        self._overall = asyncio.Lock()
        self._tokens: dict[Ticket, str] = {}
        self._token_ids = itertools.count()
        self._prefix = f"{worker_name()}:"
        self._shared_tasks: set[asyncio.Task[None]] = set()

    async def acquire(self, chat_id: int, priority: Priority, place: int | None = None) -> Ticket:
        """Wait for the chat's turn and an overall slot; `ended` must follow. A send asking
        again (after a 429) gives the `place` it had, so it keeps its turn."""
        ticket = self.pacing.want(chat_id, priority, place)
        granted = asyncio.get_running_loop().create_future()
        self._granting[ticket] = granted
        self._poll()
        try:
            await granted
        except asyncio.CancelledError:
            self._granting.pop(ticket, None)
            self.release(ticket)
            raise
        if self.shared is not None:
            try:
                await self._take_shared(self.shared, ticket)
            except BaseException:
                self.release(ticket)
                raise
        return ticket

    async def _take_shared(self, shared: SharedBudget, ticket: Ticket) -> None:
        token = f"{self._prefix}{next(self._token_ids)}"
        while True:
            async with self._overall:
                while True:
                    try:
                        wait = await shared.take(
                            ticket.chat_id, ticket.priority, token, reserve=shared.rates.interval
                        )
                    except RedisError as error:
                        _redis_failed(error)
                        return
                    if wait is None or wait.granted:
                        self._tokens[ticket] = token
                        if wait is not None:
                            # Granted for the next start, a moment away.
                            await asyncio.sleep(wait.seconds)
                        # Its round trip counts from now, not from the wait for the others.
                        ticket.started = self._now()
                        return
                    if wait.chat:
                        break
                    await asyncio.sleep(wait.seconds)
            await asyncio.sleep(wait.seconds)

    def ended(self, ticket: Ticket, answered: bool = True) -> None:
        """The send was answered by Telegram (`answered`), or failed on the way."""
        now = self._now()
        arrived = self.pacing.ended(ticket, now, answered)
        token = self._tokens.pop(ticket, None)
        if self.shared is not None and token is not None and arrived is not None:
            self._tell_shared(self.shared.ended(ticket.chat_id, token, now - arrived))
        self._chat_free(ticket.chat_id)
        self._poll()

    def _tell_shared(self, told: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(_quietly(told))
        self._shared_tasks.add(task)
        task.add_done_callback(self._shared_tasks.discard)

    def _chat_free(self, chat_id: int) -> None:
        event = self._ended.pop(chat_id, None)
        if event is not None:
            event.set()

    def release(self, ticket: Ticket) -> None:
        """A slot granted and not used."""
        self.pacing.drop(ticket)
        token = self._tokens.pop(ticket, None)
        if self.shared is not None and token is not None:
            self._tell_shared(self.shared.release(ticket.chat_id, token))
        self._chat_free(ticket.chat_id)
        self._poll()

    def pause(self, seconds: float) -> None:
        self.pacing.pause(self._now() + seconds)
        if self.shared is not None:
            self._tell_shared(self.shared.pause(seconds))
        self._poll()

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """A 429 for a group: only that chat waits (a group's own limit, which anyone adding
        the bot to groups could run into, must not stop every send)."""
        self.pacing.pause_chat(chat_id, self._now() + seconds)
        if self.shared is not None:
            self._tell_shared(self.shared.pause_chat(chat_id, seconds))
        self._poll()

    async def wait_out(self, seconds: float) -> None:
        """A 429 on a call that spends no send budget (setting the webhook or the commands):
        only that call waits; sends go on."""
        await asyncio.sleep(seconds)

    async def chat_ready(self, chat_id: int) -> None:
        """Wait until the chat could send again, without taking a place in the queue."""
        while True:
            free_at = self.pacing.chat_free_at(chat_id)
            if free_at is None:
                await self._ended.setdefault(chat_id, asyncio.Event()).wait()
                continue
            wait = free_at - self._now()
            if wait <= 0 and self.shared is not None:
                wait = await _quietly(self.shared.chat_wait(chat_id)) or 0.0
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _poll(self) -> None:
        granted, wake = self.pacing.grant(self._now())
        unused = False
        for ticket in granted:
            waiter = self._granting.pop(ticket, None)
            if waiter is None or waiter.done():  # given up as it was granted
                self.pacing.drop(ticket)
                self._chat_free(ticket.chat_id)
                unused = True
            else:
                waiter.set_result(None)
        if unused:
            self._poll()
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if wake is not None:
            self._timer = asyncio.get_running_loop().call_at(wake, self._poll)
        if self.pacing.chats > FORGET_IDLE_OVER:
            self.pacing.forget_idle(self._now())


async def _quietly(told: Awaitable[_T]) -> _T | None:
    try:
        return await told
    except RedisError as error:
        _redis_failed(error)
        return None


def _redis_failed(error: RedisError) -> None:
    """Sends go on within this process's own budget while Redis does not answer; a 429 that
    follows is waited out as always."""
    log.warning("the shared send budget is unreachable (%s); sending on this process's own", error)


# Calls that send or edit a message count towards Telegram's limits; a chat action does not.
_FORWARDS = ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")


def limited_chat(method: TelegramMethod[Any]) -> int | None:
    """The chat whose budget the call spends, or None when it spends none."""
    name = method.__api_method__
    if name == "sendChatAction":
        return None
    if not name.startswith(("send", "edit")) and name not in _FORWARDS:
        return None
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


class BudgetMiddleware(BaseRequestMiddleware):
    prompt = PROMPT

    def __init__(self, budget: SendBudget, metrics: Metrics) -> None:
        self.budget = budget
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = limited_chat(method)
        if chat_id is None:
            return await self._unlimited(make_request, bot, method)
        place: int | None = None
        while True:
            ticket = await self._acquire(chat_id, place)
            place = ticket.seq
            try:
                response = await make_request(bot, method)
            except TelegramRetryAfter as flood:
                self.budget.ended(ticket)
                if chat_id < 0:
                    self.budget.pause_chat(chat_id, flood.retry_after)
                else:
                    self.budget.pause(flood.retry_after)
                self.metrics.flooded("chat" if chat_id < 0 else "overall")
                log.warning(
                    "Telegram asked to wait %s s; %s is made again then",
                    flood.retry_after,
                    method.__api_method__,
                )
                continue
            except TelegramNetworkError:
                self.budget.ended(ticket, answered=False)  # it may have arrived, or not
                raise
            except TelegramAPIError:
                self.budget.ended(ticket)
                raise
            except BaseException:
                self.budget.ended(ticket, answered=False)
                raise
            self.budget.ended(ticket)
            self.metrics.sent(_priority.get())
            return response

    async def _unlimited(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as flood:
                self.metrics.flooded("call")
                log.warning(
                    "Telegram asked to wait %s s; %s is made again then",
                    flood.retry_after,
                    method.__api_method__,
                )
                await self.budget.wait_out(flood.retry_after)

    async def _acquire(self, chat_id: int, place: int | None) -> Ticket:
        """The budget's slot; a press waiting on it is answered meanwhile, so the person is
        not left looking at a spinner."""
        priority = _priority.get()
        press = pending_press.get()
        if press is None:
            return await self.budget.acquire(chat_id, priority, place)
        acquiring = asyncio.ensure_future(self.budget.acquire(chat_id, priority, place))
        try:
            done, _ = await asyncio.wait({acquiring}, timeout=self.prompt)
            if not done:
                await press()
        except BaseException:
            if acquiring.done() and not acquiring.cancelled() and not acquiring.exception():
                self.budget.release(acquiring.result())
            acquiring.cancel()
            raise
        return await acquiring
