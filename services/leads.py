"""Website forms: each lead becomes a deal (source web, with the form's own source), assigned,
its manager told; the e-mail it gives is kept on the customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import api_requests, events, fields
from services.assignment import WorkingHours
from services.contacts import customer_for_phone
from services.content import Content, store
from services.errors import ErrorCode, InvalidInput
from services.field_kinds import DEAL
from services.intake import assign, created, open_deal
from services.phones import normalize_phone
from services.rules.engine import fire

ENDPOINT = "leads"


@dataclass(frozen=True)
class Lead:
    name: str
    phone: str | None
    email: str | None
    message: str
    source: str | None
    external_id: str
    # The deal's own fields by key (services/fields.py), as the HTTP API takes them.
    fields: Mapping[str, object] = field(default_factory=dict)


async def submit_lead(
    session: AsyncSession,
    lead: Lead,
    *,
    token_id: int | None,
    region: str,
    now: datetime,
    hours: WorkingHours | None = None,
) -> tuple[api_requests.Response, bool]:
    """Returns the answer for the website and whether the external id was seen before."""
    phone = normalize_phone(lead.phone, region) if lead.phone else None
    if phone is None and not lead.email:
        raise InvalidInput(ErrorCode.PHONE)

    async def work() -> api_requests.Response:
        # Checked before anything is written: a bad value refuses the whole lead.
        prepared = await fields.prepare_json(session, lead.fields, entities=(DEAL,))
        name = lead.name.strip()
        customer = await customer_for_phone(session, phone, name, "web", now, email=lead.email)
        if customer.user_id is not None:
            # The number is a Telegram customer's own, and anyone can type it into a form:
            # the lead is someone else's until a person says otherwise (the card shows the
            # match, and the owner may merge).
            customer = await customer_for_phone(session, None, name, "web", now, lead.email)
        deal = await open_deal(session, customer, "web", lead.message.strip(), now)
        deal.source_detail = lead.source
        deal.phone = phone
        if lead.message.strip():
            await store(session, deal.id, "in", None, Content(lead.message.strip()), now)
        if lead.email:
            events.record(session, deal.id, None, "lead_email", now, None, lead.email)
        if lead.source:
            events.record(session, deal.id, None, "lead_source", now, None, lead.source)
        await fields.write_prepared(session, deal, prepared, now)
        manager = await assign(session, deal, now, hours=hours)
        # The rules see the request whole: its fields, its source and who has it.
        await fire(session, created([deal], "web", now), now)
        return {
            "deal_id": deal.id,
            "customer_id": customer.id,
            "assigned": manager is not None or deal.manager_id is not None,
        }

    return await api_requests.once(session, ENDPOINT, lead.external_id, token_id, now, work)
