"""Telegram's send budget as a state machine on explicit times: who may send now, and when to
ask again. `bot/budget.py` drives it on the event loop's clock.

Telegram counts a message when it arrives, which happens somewhere between the start and the
end of its request. Any two arrivals of one chat must be `1 / per_chat` apart, and no second
may hold more than `per_second` of them overall; after a 429 nothing is sent before its
retry_after has passed (Telegram does not say whether the flood was the chat's or the bot's).

A send of a chat starts only after the chat's previous send ended, so one chat's messages keep
their order. A send holds one of `per_second` places from its start until a second after its
latest possible arrival; the next send of a place arrives no sooner than its start plus the
quickest way out. A request's way out and its answer's way back each take at least their quickest,
which together make the shortest round trip; three quarters of the shortest round trip seen
lately (`RTT_TRUST`) is counted, leaving room for the network's true floor being lower than
what was seen. So no second holds more than the budget however a request is delayed, while a
steady delay costs little of the budget. Starts are also spaced evenly, a hair under the budget
(`MARGIN`), each from when the one before was due rather than from when a timer let it go, so
a timer's lateness does not add up send after send.

When the budget is short, waiting sends go by priority, then in the order they asked: the
answer to a person's own action before a notice to someone else."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum

MARGIN = 0.99
WINDOW = 1.0
RTT_TRUST = 0.75
RTT_SAMPLES = 128
GROUP_INTERVAL = 3.0
# Budgets above this are not Telegram's (tests and benchmarks turn the limits off so).
UNLIMITED = 1e6


class Priority(IntEnum):
    ANSWER = 0
    NOTICE = 1


@dataclass(eq=False)
class Ticket:
    """One send's place in the queue, then, once granted, its slot."""

    chat_id: int
    priority: int
    seq: int
    started: float | None = None


@dataclass
class _Chat:
    waiting: list[tuple[int, int, Ticket]] = field(default_factory=list)
    busy: bool = False
    free_at: float = 0.0


class Pacing:
    def __init__(
        self, per_second: float, per_chat_per_second: float, margin: float = MARGIN
    ) -> None:
        self.interval = 1.0 / (per_second * margin)
        self.chat_interval = 1.0 / (per_chat_per_second * margin)
        # Groups, supergroups and channels (negative ids) take 20 messages a minute.
        limited = per_chat_per_second < UNLIMITED
        self.group_interval = max(self.chat_interval, GROUP_INTERVAL / margin * limited)
        self.places = math.floor(per_second) if per_second < UNLIMITED else 0
        self._seq = itertools.count()
        self._chats: dict[int, _Chat] = {}
        # Chats whose first waiting send may go once the overall budget lets it.
        self._ready: list[tuple[int, int, int]] = []
        # Chats with sends waiting for their own time: (free_at, chat_id).
        self._later: list[tuple[float, int]] = []
        self._next_start = 0.0
        self._paused_until = 0.0
        self._travelling = 0
        self._frees: list[float] = []  # when the places of ended sends free up, a heap
        self._rtts: deque[float] = deque(maxlen=RTT_SAMPLES)

    def want(self, chat_id: int, priority: int, place: int | None = None) -> Ticket:
        """Queue a send; `place` keeps the turn of one that asked before."""
        ticket = Ticket(chat_id, priority, next(self._seq) if place is None else place)
        chat = self._chats.setdefault(chat_id, _Chat())
        heapq.heappush(chat.waiting, (priority, ticket.seq, ticket))
        self._offer(chat_id, chat)
        return ticket

    def drop(self, ticket: Ticket) -> None:
        """A waiting send that gave up; a granted one gives its slot back unused."""
        chat = self._chats.get(ticket.chat_id)
        if chat is None:
            return
        if ticket.started is not None:
            ticket.started = None
            self._travelling -= 1
            chat.busy = False
        else:
            chat.waiting = [entry for entry in chat.waiting if entry[2] is not ticket]
            heapq.heapify(chat.waiting)
        self._offer(ticket.chat_id, chat)

    def grant(self, now: float) -> tuple[list[Ticket], float | None]:
        """The sends that may start now, and when to ask again (None: not before a send ends
        or another asks)."""
        granted: list[Ticket] = []
        if now < self._paused_until:
            return granted, self._paused_until
        while self._later and self._later[0][0] <= now:
            _, chat_id = heapq.heappop(self._later)
            chat = self._chats.get(chat_id)
            if chat is not None:
                self._offer(chat_id, chat, now)
        while self._ready:
            _, seq, chat_id = self._ready[0]
            chat = self._chats.get(chat_id)
            if chat is None or chat.busy or not chat.waiting or chat.waiting[0][1] != seq:
                heapq.heappop(self._ready)  # out of date: the chat is offered anew when due
                continue
            if chat.free_at > now:
                heapq.heappop(self._ready)
                heapq.heappush(self._later, (chat.free_at, chat_id))
                continue
            overall = self._overall_at(now)
            if overall is None or overall > now:
                return granted, self._wake(overall)
            heapq.heappop(self._ready)
            _, _, ticket = heapq.heappop(chat.waiting)
            ticket.started = now
            chat.busy = True
            self._travelling += 1
            self._next_start = _spaced(self._next_start, now, self.interval)
            granted.append(ticket)
        return granted, self._wake(None)

    def ended(self, ticket: Ticket, now: float, answered: bool = True) -> float | None:
        """A granted send was answered by Telegram, or failed on the way (then its arrival is
        unknown and its place is held for a whole second from now). Returns its latest
        possible arrival (None: the ticket was not granted)."""
        if ticket.started is None:
            return None
        started, ticket.started = ticket.started, None
        self._travelling -= 1
        latest_arrival = now
        if answered:
            self._rtts.append(now - started)
            latest_arrival = now - RTT_TRUST * min(self._rtts)
        if self.places:
            heapq.heappush(self._frees, latest_arrival + WINDOW)
        chat = self._chats.setdefault(ticket.chat_id, _Chat())
        chat.busy = False
        interval = self.group_interval if ticket.chat_id < 0 else self.chat_interval
        chat.free_at = max(chat.free_at, latest_arrival + interval)
        self._offer(ticket.chat_id, chat, now)
        return latest_arrival

    def pause(self, until: float) -> None:
        """Telegram said retry_after: nothing starts before `until`."""
        self._paused_until = max(self._paused_until, until)

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Nothing starts for this chat before `until`."""
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.free_at = max(chat.free_at, until)

    def chat_free_at(self, chat_id: int) -> float | None:
        """When the chat may next send, ignoring the overall budget; None while a send to it
        is on its way."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return self._paused_until
        if chat.busy:
            return None
        return max(chat.free_at, self._paused_until)

    def forget_idle(self, now: float) -> None:
        """Chats with nothing waiting or on its way and whose time has passed are forgotten."""
        self._chats = {
            chat_id: chat
            for chat_id, chat in self._chats.items()
            if chat.busy or chat.waiting or chat.free_at > now
        }

    @property
    def chats(self) -> int:
        return len(self._chats)

    def _offer(self, chat_id: int, chat: _Chat, now: float | None = None) -> None:
        """Put the chat's first waiting send where `grant` looks for it."""
        if chat.busy or not chat.waiting:
            return
        priority, seq, _ = chat.waiting[0]
        if now is not None and chat.free_at > now:
            heapq.heappush(self._later, (chat.free_at, chat_id))
        else:
            heapq.heappush(self._ready, (priority, seq, chat_id))

    def _overall_at(self, now: float) -> float | None:
        """When the overall budget lets one more send start; None when every place is held by
        a send still on its way."""
        at = max(self._next_start, self._paused_until)
        if not self.places:
            return at
        while self._frees and self._frees[0] <= now:
            heapq.heappop(self._frees)
        if self._travelling + len(self._frees) < self.places:
            return at
        if not self._frees:
            return None
        return max(at, self._frees[0])

    def _wake(self, overall: float | None) -> float | None:
        later = self._later[0][0] if self._later else None
        moments = [t for t in (overall, later) if t is not None]
        return min(moments) if moments else None


def _spaced(due: float, now: float, interval: float) -> float:
    """The next start after one made `now` that was due at `due`: spaced from when it was due
    if it is only a moment late (a timer firing late), so lateness does not add up send after
    send; from now if the budget was idle."""
    return (due if now - due <= interval / 2 else now) + interval
