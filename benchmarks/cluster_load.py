"""The load put on several workers and what the emulator showed of it: customers writing within
a few seconds (each request makes a deal, a confirmation to the customer and a card to a
manager) while queued notifications go out; then what was lost, what came twice, what came out
of order, from the emulator's record and the database."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks.delivery import FIRST_CHAT, NUMBER
from bot.sender.shared_budget import HOLD
from emulator import EmulatedUser, Emulator, StoredMessage
from emulator.models import Event
from services import outbox
from services.db.customers import Customer
from services.db.deals import Deal, Message
from services.db.engine import create_engine, session_factory
from services.db.outbox import Outbox
from services.db.users import User

FIRST_MANAGER, FIRST_CUSTOMER = 1_000, 100_000
CONFIRMED = re.compile(r"^Request #(\d+) received")
# The emulator shows what a person reads: the card's bold heading is plain text there.
CARD = re.compile(r"^Request #(\d+)\n")
ASKED_WHAT = "What do you need?"
ASKED_PHONE = "Thanks! What phone number"
# How long a customer waits for the answer to a step: after a crash, the answer may wait for
# the update's retry and for the dead process's hold on the chat's budget (`HOLD`).
STEP = HOLD + 40.0


@dataclass(frozen=True)
class Load:
    customers: int = 500
    seconds: float = 3.0  # the customers' first messages, spread evenly over this
    managers: int = 50
    notifications: int = 1500
    chats: int = 500  # the notifications' chats, each getting its share in order
    # Customers start a request with /new, describe it, then share their contact (the
    # conversation's state lives in Redis between the steps); else each writes one message.
    flow: bool = False

    def wrote(self, index: int) -> str:
        return f"Need {index % 9 + 1} chairs, order {index}, please call me back"


async def seed(database_url: str, emulator: Emulator, load: Load) -> None:
    """Managers on duty and the queued notifications (interleaved across their chats, as real
    traffic is), known to the bot and to Telegram."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    async with session_factory(engine)() as session:
        managers = [
            User(tg_id=FIRST_MANAGER + i, role="manager", first_name=f"M{i}", created_at=now)
            for i in range(load.managers)
        ]
        session.add_all(managers)
        await session.flush()
        for n in range(load.notifications):
            outbox.enqueue(
                session,
                chat_id=FIRST_CHAT + n % load.chats,
                kind="manager_unreachable",
                payload={"user_id": managers[0].id, "moved": n},
                dedupe_key=f"workers:{n}",
                now=now,
            )
        await session.commit()
    await engine.dispose()
    staff = range(FIRST_MANAGER, FIRST_MANAGER + load.managers)
    for tg_id in (*staff, *range(FIRST_CHAT, FIRST_CHAT + load.chats)):
        emulator.user(tg_id, f"P{tg_id}", language_code="en").user.started = True


@dataclass
class Seen:
    """Every message the bot sent, by what it is: a confirmation (deal numbers by customer), a
    card (managers' chats by deal), notifications (their numbers, each send's at once)."""

    confirmed: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    cards: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    notes: list[tuple[int, list[int]]] = field(default_factory=list)
    # Per chat, what its messages carried, in the order they came: ("deal", n) or ("note", n).
    order: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    last: float = field(default_factory=time.monotonic)
    # Kept as messages come, so that asking whether all is in costs nothing.
    _uncarded: set[int] = field(default_factory=set)
    _arrived: set[int] = field(default_factory=set)

    def listen(self, event: Event) -> None:
        if event.kind != "message" or not event.data.get("outgoing") or event.chat_id is None:
            return
        self.last = time.monotonic()
        chat, text = event.chat_id, event.data["message"].get("text") or ""
        if confirmed := CONFIRMED.match(text):
            deal = int(confirmed.group(1))
            self.confirmed[chat].append(deal)
            if deal not in self.cards:
                self._uncarded.add(deal)
        elif card := CARD.match(text):
            deal = int(card.group(1))
            self.cards[deal].append(chat)
            self.order[chat].append(("deal", deal))
            self._uncarded.discard(deal)
        elif numbers := [int(n) for n in NUMBER.findall(text)]:
            self.notes.append((chat, numbers))
            self.order[chat] += [("note", n) for n in numbers]
            self._arrived.update(numbers)

    def done(self, load: Load) -> bool:
        return (
            len(self.confirmed) >= load.customers
            and not self._uncarded
            and len(self._arrived) == load.notifications
        )

    async def until_done(self, emulator: Emulator, load: Load, quiet: float) -> None:
        """Until every confirmation, card and notification is in, or nothing has come for
        `quiet` seconds (what is missing then is lost)."""
        while True:
            try:
                await emulator.wait_for(lambda: self.done(load), quiet)
                return
            except TimeoutError:
                if time.monotonic() - self.last >= quiet:
                    return


class Customers:
    """The customers of a load, writing; how many have sent all they meant to so far."""

    def __init__(self, emulator: Emulator, load: Load) -> None:
        self.load = load
        self.people = [
            emulator.user(FIRST_CUSTOMER + i, f"Customer {i}", language_code="en")
            for i in range(load.customers)
        ]
        self.written = 0
        # Customers left waiting for an answer, by what they last sent.
        self.unanswered: Counter[str] = Counter()
        self._progress = asyncio.Event()
        self._finished = False

    async def write(self, start: float) -> None:
        """Their first messages spread evenly over `load.seconds` from `start`; done when
        each has written all they meant to, or was left waiting for an answer."""
        load = self.load
        steps = []
        for index, person in enumerate(self.people):
            due = start + index * load.seconds / load.customers
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if load.flow:
                steps.append(asyncio.create_task(self._request(person, load.wrote(index), index)))
            else:
                person.send_text(load.wrote(index))
                self._wrote()
        await asyncio.gather(*steps)
        self._finished = True
        self._progress.set()

    async def until_written(self, count: int) -> None:
        while self.written < count:
            if self._finished:
                raise RuntimeError(f"only {self.written} customers of {count} got to the end")
            self._progress.clear()
            await self._progress.wait()

    def _wrote(self) -> None:
        self.written += 1
        self._progress.set()

    async def _request(self, person: EmulatedUser, what: str, index: int) -> None:
        for step, answer in (("/new", ASKED_WHAT), ("description", ASKED_PHONE)):
            person.send_text("/new" if step == "/new" else what)
            try:
                await person.wait_for_bot_message(predicate=_says(answer), timeout=STEP)
            except TimeoutError:
                self.unanswered[step] += 1
                return
        person.share_contact(f"+99450{2_000_000 + index}")
        self._wrote()


def _says(start: str) -> Callable[[StoredMessage], bool]:
    return lambda message: (message.text or "").startswith(start)


async def outcome(database_url: str, customers: Customers, seen: Seen) -> dict[str, Any]:
    """What was lost, what came twice, what came out of order, read against the database;
    `unanswered`: customers left waiting for an answer, by what they last sent."""
    load = customers.load
    people = range(FIRST_CUSTOMER, FIRST_CUSTOMER + load.customers)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            wrote = await _requests_stored(session)
            queued = await _queued(session)
    finally:
        await engine.dispose()
    deals = {deal for numbers in seen.confirmed.values() for deal in numbers}
    arrived = Counter(n for _, numbers in seen.notes for n in numbers)
    lost_requests = sum(1 for i, c in enumerate(people) if load.wrote(i) not in wrote.get(c, []))
    unconfirmed = sum(1 for c in people if not seen.confirmed.get(c))
    return {
        "unanswered": dict(customers.unanswered),
        "lost": {
            "requests": lost_requests,
            "confirmations": unconfirmed,
            "cards": sum(1 for deal in deals if not seen.cards.get(deal)),
            "notifications": load.notifications - len(arrived),
        },
        "repeated": {
            "requests": sum(len(texts) - 1 for texts in wrote.values()),
            "confirmations": sum(len(n) - 1 for n in seen.confirmed.values()),
            "cards": sum(len(chats) - 1 for chats in seen.cards.values()),
            "notifications": sum(count - 1 for count in arrived.values()),
        },
        "repeated_sends": _repeated_sends(seen),
        "out_of_order": _out_of_order(seen, queued),
    }


async def _requests_stored(session: AsyncSession) -> dict[int, list[str]]:
    """What each customer's deals hold of what they wrote, by Telegram id."""
    first = (
        select(Message.deal_id, func.min(Message.id).label("first"))
        .where(Message.direction == "in")
        .group_by(Message.deal_id)
        .subquery()
    )
    rows = await session.execute(
        select(User.tg_id, Message.text)
        .join(Customer, Customer.user_id == User.id)
        .join(Deal, Deal.customer_id == Customer.id)
        .join(first, first.c.deal_id == Deal.id)
        .join(Message, Message.id == first.c.first)
    )
    stored: dict[int, list[str]] = defaultdict(list)
    for tg_id, text in rows.all():
        stored[tg_id].append(text)
    return stored


async def _queued(session: AsyncSession) -> dict[tuple[int, str, int], int]:
    """Each card's and notification's outbox row id, by chat and what it carries."""
    rows = await session.execute(
        select(Outbox.id, Outbox.chat_id, Outbox.kind, Outbox.payload).where(
            Outbox.kind.in_(("deal_card", "manager_unreachable"))
        )
    )
    queued = {}
    for row_id, chat, kind, payload in rows.all():
        key = ("deal", payload["deal_id"]) if kind == "deal_card" else ("note", payload["moved"])
        queued[(chat, *key)] = row_id
    return queued


def _repeated_sends(seen: Seen) -> int:
    """Notification messages carrying a number that had come before."""
    before: set[int] = set()
    repeated = 0
    for _, numbers in seen.notes:
        repeated += any(n in before for n in numbers)
        before.update(numbers)
    return repeated


def _out_of_order(seen: Seen, queued: dict[tuple[int, str, int], int]) -> int:
    """Messages that came to a chat after one queued later than them (first arrivals only)."""
    late = 0
    for chat, carried in seen.order.items():
        newest = 0
        for item in dict.fromkeys(carried):
            row_id = queued[(chat, *item)]
            late += row_id < newest
            newest = max(newest, row_id)
    return late
