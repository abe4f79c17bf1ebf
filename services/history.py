"""A deal's history: its events and its conversation, newest page first, with who and when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_deal
from services.conversation import get_deal
from services.db.catalog import DealItem, Product
from services.db.deals import Event, Message, Stage
from services.db.fields import FieldDef
from services.db.tasks import Task
from services.db.users import User
from services.field_kinds import FIELD_EVENT, FieldView, typed
from services.field_views import view
from services.rules import manage
from services.totals import Off
from services.users import full_name

PAGE_SIZE = 10
QUOTE_LENGTH = 120
# Events that name stages or people by id in their from/to values.
STAGE_EVENTS = frozenset({"stage", "reopened"})
PERSON_EVENTS = frozenset({"assigned"})
# A rule's message to a named person: `old` says so, `new` is their name.
PERSON = "person"
# An item added, its quantity changed or removed: from and to are "product_id:quantity".
ITEM = "item"
# A discount given (or taken back: to is None), asked of the owners above a manager's limit,
# held for them once the items took it past the limit, or refused by them: from is "deal" or
# the item's id, to "percent:5" or "amount:50.00".
DISCOUNT_EVENTS = frozenset({"discount", "discount_asked", "discount_held", "discount_refused"})
# What a discount was on.
ON_DEAL, ON_ITEM = "deal", "item"
# A task someone gave on the deal: from is whose it is (None: the owners'), to the task's id.
TASK_GIVEN = "task_given"

Value = str | Decimal | date | bool | dict[str, str] | Off | None


@dataclass(frozen=True)
class Entry:
    """One line of history; `kind` is the event kind, or message_in / message_out."""

    at: datetime
    who: str | None
    kind: str
    old: Value
    new: Value
    # For kind "field": the field changed; old and new are its values in its kind's type.
    field: FieldView | None = None
    # The name of the rule that made the change, when a rule did (in place of `who`).
    rule: str | None = None
    # For an item, and a discount on one: its product's names (None for a discount on an item
    # since removed). An item's old and new are its quantities (None when added or removed); a
    # discount's old is ON_DEAL or ON_ITEM, its new the discount (None when taken back).
    product: dict[str, str] | None = None


@dataclass(frozen=True)
class HistoryPage:
    deal_id: int
    version: int
    entries: list[Entry]
    page: int
    pages: int


async def deal_history(
    session: AsyncSession, actor: Actor, deal_id: int, page: int, size: int = PAGE_SIZE
) -> HistoryPage:
    """Page 0 holds the latest entries; each page reads oldest to newest."""
    deal = await get_deal(session, deal_id)
    require_deal(actor, deal)
    timeline = union_all(
        select(
            Event.created_at.label("at"), literal("e").label("src"), Event.id.label("id")
        ).where(Event.deal_id == deal_id),
        select(Message.created_at, literal("m"), Message.id).where(Message.deal_id == deal_id),
    ).subquery()
    total = await session.scalar(select(func.count()).select_from(timeline)) or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    rows = (
        await session.execute(
            select(timeline.c.src, timeline.c.id)
            .order_by(timeline.c.at.desc(), timeline.c.src.desc(), timeline.c.id.desc())
            .limit(size)
            .offset(page * size)
        )
    ).all()
    event_ids = [row_id for src, row_id in rows if src == "e"]
    message_ids = [row_id for src, row_id in rows if src == "m"]
    found_events = {
        e.id: e for e in await session.scalars(select(Event).where(Event.id.in_(event_ids)))
    }
    found_messages = {
        m.id: m for m in await session.scalars(select(Message).where(Message.id.in_(message_ids)))
    }
    names = await Names.of(session, found_events.values())
    entries = []
    for src, row_id in reversed(rows):
        if src == "e":
            entries.append(await event_entry(found_events[row_id], names))
        else:
            entries.append(await _message_entry(found_messages[row_id], names))
    return HistoryPage(deal.id, deal.version, entries, page, pages)


class Names:
    """People, stages, fields and products named once per page, whatever number of lines
    mention them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.people: dict[int, str] = {}
        self.stages: dict[int, dict[str, str]] = {}
        self.fields: dict[int, FieldView | None] = {}
        self.rules: dict[int, str] = {}
        self.products: dict[int, dict[str, str]] = {}
        # A deal item's product; None once the item is removed.
        self.items: dict[int, int | None] = {}

    @classmethod
    async def of(cls, session: AsyncSession, found: Iterable[Event]) -> Names:
        """Names for a page of events, the rules that made any of them named already."""
        names = cls(session)
        names.rules = await manage.names(
            session, {e.rule_id for e in found if e.rule_id is not None}
        )
        return names

    async def person(self, user_id: int | str | None) -> str | None:
        if user_id is None or not str(user_id).isdigit():
            return None
        key = int(user_id)
        if key not in self.people:
            user = await self.session.get(User, key)
            self.people[key] = full_name(user) if user else "?"
        return self.people[key]

    async def stage(self, stage_id: str | None) -> dict[str, str] | None:
        if stage_id is None or not stage_id.isdigit():
            return None
        key = int(stage_id)
        if key not in self.stages:
            stage = await self.session.get(Stage, key)
            self.stages[key] = dict(stage.names) if stage else {"en": "?"}
        return self.stages[key]

    async def field(self, field_id: str) -> FieldView | None:
        if not field_id.isdigit():
            return None
        key = int(field_id)
        if key not in self.fields:
            row = await self.session.get(FieldDef, key)
            self.fields[key] = view(row) if row else None
        return self.fields[key]

    async def task_due(self, task_id: str | None) -> datetime | None:
        """When a task is due. What it is to do is not told: the request's history is read by
        whoever works on it, and a task may be a word among the owners about them."""
        return await self.session.scalar(select(Task.due_at).where(Task.id == int(task_id or 0)))

    async def product(self, product_id: int) -> dict[str, str]:
        if product_id not in self.products:
            product = await self.session.get(Product, product_id)
            self.products[product_id] = dict(product.names) if product else {"en": "?"}
        return self.products[product_id]

    async def item_product(self, item_id: str) -> dict[str, str] | None:
        """The names of a deal item's product; None once the item is removed."""
        if not item_id.isdigit():
            return None
        key = int(item_id)
        if key not in self.items:
            self.items[key] = await self.session.scalar(
                select(DealItem.product_id).where(DealItem.id == key)
            )
        product_id = self.items[key]
        return None if product_id is None else await self.product(product_id)


async def event_entry(event: Event, names: Names) -> Entry:
    entry = await _event_values(event, names)
    if event.rule_id is None:
        return entry
    return replace(entry, who=None, rule=names.rules.get(event.rule_id, "?"))


async def _event_values(event: Event, names: Names) -> Entry:
    who = await names.person(event.actor_id)
    old: Value = event.from_value
    new: Value = event.to_value
    if event.kind in STAGE_EVENTS:
        old, new = await names.stage(event.from_value), await names.stage(event.to_value)
    elif event.kind in PERSON_EVENTS:
        old, new = await names.person(event.from_value), await names.person(event.to_value)
    elif event.kind.startswith(FIELD_EVENT):
        field = await names.field(event.kind.removeprefix(FIELD_EVENT))
        if field is not None:
            old = None if event.from_value is None else typed(field, event.from_value)
            new = None if event.to_value is None else typed(field, event.to_value)
            return Entry(event.created_at, who, "field", old, new, field)
    elif event.kind == "amount":
        old, new = _decimal(event.from_value), _decimal(event.to_value)
    elif event.kind == "payment":
        new = _decimal(event.to_value)
    elif event.kind == ITEM:
        (before, old), (after, new) = _item(event.from_value), _item(event.to_value)
        product_id = before if before is not None else after
        product = None if product_id is None else await names.product(product_id)
        return Entry(event.created_at, who, ITEM, old, new, product=product)
    elif event.kind in DISCOUNT_EVENTS:
        on = event.from_value or ON_DEAL
        product = None if on == ON_DEAL else await names.item_product(on)
        off = _off(event.to_value)
        return Entry(
            event.created_at,
            who,
            event.kind,
            ON_DEAL if on == ON_DEAL else ON_ITEM,
            off,
            product=product,
        )
    elif event.kind == "rule_task":
        old, new = await names.person(event.from_value), _moment(event.to_value)
    elif event.kind == TASK_GIVEN:
        # To whom (None: the owners), and when it is due.
        old, new = await names.person(event.from_value), await names.task_due(event.to_value)
    elif event.kind == "rule_message" and event.to_value and event.to_value.isdigit():
        # A named person rather than "customer", "manager" or "owners".
        old, new = PERSON, await names.person(event.to_value)
    return Entry(event.created_at, who, event.kind, old, new)


async def _message_entry(message: Message, names: Names) -> Entry:
    who = await names.person(message.author_id)
    text = _quote(message.text)
    return Entry(message.created_at, who, f"message_{message.direction}", message.kind, text)


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH] + "…"


def _moment(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _item(value: str | None) -> tuple[int | None, Decimal | None]:
    """A product's id and a quantity, from "product_id:quantity"."""
    product, _colon, quantity = (value or "").partition(":")
    if not product.isdigit():
        return None, None
    return int(product), _decimal(quantity)


def _off(value: str | None) -> Off | None:
    """A discount, from "percent:5" or "amount:50.00"."""
    kind, _colon, number = (value or "").partition(":")
    amount = _decimal(number)
    return None if amount is None else Off(kind, amount)


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None
