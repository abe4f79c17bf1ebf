"""What staff read of customers: who may see one, and the customer's card with every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services import field_views
from services.access import SUPPORTED_LOCALES, Actor, require_staff
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName
from services.db.deals import Deal, Stage
from services.db.users import User
from services.errors import AccessDenied, Conflict, ErrorCode, NotFound
from services.field_kinds import CUSTOMER, Shown
from services.ids import is_id

DEALS_PAGE = 5


class MergedAway(Conflict):
    """The customer was merged into another (`into_id`, which the actor may see): a record
    kept only for the merge's undo, shown nowhere and changed by nobody."""

    code = ErrorCode.CUSTOMER_MERGED

    def __init__(self, into_id: int) -> None:
        super().__init__()
        self.into_id = into_id


def visible(actor: Actor) -> ColumnElement[bool]:
    """Customers the actor may see: every one for an owner, a manager's those of their deals;
    never one merged into another."""
    return and_(Customer.merged_into_id.is_(None), theirs(actor))


def theirs(actor: Actor) -> ColumnElement[bool]:
    """`visible`, but for the records merged into another: enough where those can't be found
    anyway (by an own number or a request, which such a record has none of)."""
    if actor.is_owner:
        return true()
    # Looked up in the index on deals (manager_id, customer_id) for each customer a search
    # keeps; PostgreSQL turns it into a semi-join when that is cheaper.
    mine = exists().where(Deal.manager_id == actor.user_id, Deal.customer_id == Customer.id)
    return mine.correlate(Customer)


async def customer_of(session: AsyncSession, actor: Actor, customer_id: int) -> Customer:
    """The customer, if the actor may see (and so edit) them; MergedAway for one merged into
    another the actor may see."""
    require_staff(actor)
    customer = await session.get(Customer, customer_id) if is_id(customer_id) else None
    if customer is None:
        raise NotFound()
    kept = customer
    # A kept record may have been merged again since; a merged one never is.
    while kept.merged_into_id is not None:
        kept = await session.get_one(Customer, kept.merged_into_id)
    if not await session.scalar(select(visible(actor)).where(Customer.id == kept.id)):
        raise AccessDenied()
    if kept is not customer:
        raise MergedAway(kept.id)
    return customer


@dataclass(frozen=True)
class PhoneView:
    """`phone_id` 0 is the customer's own number (from Telegram, a call or a web form)."""

    phone_id: int
    phone: str
    main: bool


@dataclass(frozen=True)
class TagView:
    tag_id: int
    name: str


@dataclass(frozen=True)
class CustomerDeal:
    deal_id: int
    stage_names: dict[str, str]
    stage_kind: str
    amount: Decimal | None
    created_at: datetime
    manager_id: int | None


@dataclass(frozen=True)
class CustomerCard:
    customer_id: int
    version: int
    name: str
    phones: tuple[PhoneView, ...]
    email: str | None
    company: str | None
    address: str | None
    language: str | None
    birthday: date | None
    tags: tuple[TagView, ...]
    notes: str | None
    source: str
    created_at: datetime
    fields: tuple[Shown, ...]
    # Whether the owner has customer fields to fill in (the card's 🧾 Fields).
    fillable: bool
    deals: tuple[CustomerDeal, ...]
    deals_total: int
    page: int
    pages: int


async def phones_of(
    session: AsyncSession, customers: list[Customer]
) -> dict[int, list[PhoneView]]:
    """Each customer's phones: their own number first, then those typed, in the order added."""
    typed: dict[int, list[CustomerPhone]] = {}
    ids = [c.id for c in customers]
    query = select(CustomerPhone).where(CustomerPhone.customer_id.in_(ids))
    for row in await session.scalars(query.order_by(CustomerPhone.id)):
        typed.setdefault(row.customer_id, []).append(row)
    found = {}
    for customer in customers:
        rows = typed.get(customer.id, [])
        marked = any(row.main for row in rows)
        phones = [PhoneView(0, customer.phone, not marked)] if customer.phone else []
        phones += [
            PhoneView(r.id, r.phone, r.main or (not phones and i == 0 and not marked))
            for i, r in enumerate(rows)
        ]
        found[customer.id] = phones
    return found


def main_phone(phones: list[PhoneView]) -> str | None:
    return next((p.phone for p in phones if p.main), None)


async def tags_of(session: AsyncSession, customer_id: int) -> tuple[TagView, ...]:
    rows = await session.execute(
        select(TagName.id, TagName.name)
        .join(CustomerTag, CustomerTag.tag_id == TagName.id)
        .where(CustomerTag.customer_id == customer_id)
        .order_by(TagName.name)
    )
    return tuple(TagView(tag_id, name) for tag_id, name in rows)


async def card(
    session: AsyncSession, actor: Actor, customer_id: int, page: int = 0
) -> CustomerCard:
    customer = await customer_of(session, actor, customer_id)
    total = (
        await session.scalar(
            select(func.count()).select_from(Deal).where(Deal.customer_id == customer.id)
        )
        or 0
    )
    pages = max(1, -(-total // DEALS_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = await session.execute(
        select(Deal, Stage)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.customer_id == customer.id)
        .order_by(Deal.created_at.desc(), Deal.id.desc())
        .limit(DEALS_PAGE)
        .offset(page * DEALS_PAGE)
    )
    deals = tuple(
        CustomerDeal(d.id, dict(s.names), s.kind, d.amount, d.created_at, d.manager_id)
        for d, s in rows.all()
    )
    language = customer.language
    if language is None and customer.user_id is not None:
        # The language their Telegram speaks to the bot in, as long as staff set none.
        user = await session.get_one(User, customer.user_id)
        spoken = (user.tg_language or "").split("-")[0].lower()
        language = user.language or (spoken if spoken in SUPPORTED_LOCALES else None)
    filled = await field_views.shown(session, [(0, customer.id)])
    phones = await phones_of(session, [customer])
    return CustomerCard(
        customer_id=customer.id,
        version=customer.version,
        name=customer.name,
        phones=tuple(phones[customer.id]),
        email=customer.email,
        company=customer.company,
        address=customer.address,
        language=language,
        birthday=customer.birthday,
        tags=await tags_of(session, customer.id),
        notes=customer.notes,
        source=customer.source,
        created_at=customer.created_at,
        fields=filled[0],
        fillable=await field_views.any_active(session, CUSTOMER),
        deals=deals,
        deals_total=total,
        page=page,
        pages=pages,
    )


async def of_deal(session: AsyncSession, actor: Actor, deal_id: int) -> CustomerCard:
    """The card of a deal's customer (the 👤 button of a deal card)."""
    require_staff(actor)
    customer_id = await session.scalar(select(Deal.customer_id).where(Deal.id == deal_id))
    if customer_id is None:
        raise NotFound()
    return await card(session, actor, customer_id)
