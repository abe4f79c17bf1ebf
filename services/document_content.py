"""What a quote or an invoice shows, read from the deal when it is made and kept with it: the
lines and totals as the card counts them, the company's details in the customer's language,
the customer. Money and quantities are kept as decimal strings; the reader's formatting is
applied when the PDF is laid out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.catalog import name_in
from services.company import configured_hours, currency_of
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.documents import CompanyDetails
from services.db.users import User
from services.field_views import shown
from services.item_views import DealItems, ItemView
from services.users import full_name

DETAILS = ("name", "address", "tax_number", "bank", "footer")


@dataclass(frozen=True)
class Content:
    data: dict[str, Any]
    # What the document is made from, less its date: the same for an unchanged deal.
    fingerprint: str


async def company_in(session: AsyncSession, locale: str) -> dict[str, str]:
    """The company's details in `locale`; a detail not given in it is taken from another
    language the owner filled (English first), so a document never misses the company."""
    rows = {row.locale: row for row in await session.scalars(select(CompanyDetails))}
    order = [locale, "en", *sorted(rows)]
    return {
        name: next(
            (getattr(rows[o], name) for o in order if o in rows and getattr(rows[o], name)), ""
        )
        for name in DETAILS
    }


def _line(item: ItemView, locale: str) -> dict[str, str]:
    return {
        "name": name_in(item.names, locale),
        "code": item.code or "",
        "quantity": str(item.quantity.normalize()),
        "unit": item.unit,
        "price": str(item.price),
        "discount": str(item.line.discount + item.line.shared),
        "amount": str(item.line.gross - item.line.discount - item.line.shared),
    }


async def content(
    session: AsyncSession,
    deal: Deal,
    items: DealItems,
    customer: Customer,
    locale: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> Content:
    """`extra`: what a contract adds (`contract_extra`), part of what it is made from."""
    totals = items.totals
    data: dict[str, Any] = {
        **(extra or {}),
        "deal_id": deal.id,
        "currency": currency_of(session),
        "vat_included": totals.vat_included,
        "company": await company_in(session, locale),
        "customer": {
            "name": customer.name,
            "phone": customer.phone or deal.phone or "",
            "email": customer.email or "",
        },
        "lines": [_line(item, locale) for item in items.items],
        "totals": {
            "subtotal": str(totals.subtotal),
            "discounts": str(totals.discounts),
            "vat": str(totals.vat),
            "total": str(totals.total),
        },
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    made_on = now.astimezone(configured_hours(session).zone).date()
    return Content({**data, "made_on": made_on.isoformat()}, digest)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


async def contract_extra(session: AsyncSession, deal: Deal, template_id: int) -> dict[str, Any]:
    """What a contract shows beyond a quote: the deal's title, manager and stage, and the
    owner's fields of the deal and its customer (kept with their kind, to be written in the
    reader's way)."""
    manager = await session.get(User, deal.manager_id) if deal.manager_id else None
    stage = await session.get_one(Stage, deal.stage_id)
    filled = (await shown(session, [(deal.id, deal.customer_id)]))[deal.id]
    return {
        "template_id": template_id,
        "title": deal.title,
        "manager": full_name(manager) if manager is not None else "",
        "stage": dict(stage.names),
        "fields": {
            item.field.key: {
                "kind": item.field.kind,
                "value": _plain(item.value),
                "choices": {c.key: dict(c.names) for c in item.field.choices},
            }
            for item in filled
        },
    }
