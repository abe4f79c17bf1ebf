"""The period's deals as a spreadsheet (one row per deal, a sheet of per-manager figures with a
row for the owners' overdue tasks, and what was sold: export_sold.py) or CSV.

The workbook is built from plain rows by `workbook`/`csv_file`, which do blocking work and are
meant to run in a thread; headers and names come in already translated as `Labels`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import field_views
from services.access import Actor, require_owner
from services.company import currency_of
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.users import User
from services.field_kinds import FieldView, Typed
from services.lead_sources import shown_source
from services.reports import queries
from services.reports.attention import overdue_by_assignee
from services.reports.export_sold import SoldLabels, add_sheets
from services.reports.periods import Choice, Period, choose
from services.reports.report import Person, people
from services.reports.settings import OwnerSettings, settings_of
from services.reports.sheets import cell, header
from services.reports.sold import Sold, SoldLine, lines, summarise
from services.reports.speed import first_answer, speed
from services.users import full_name


@dataclass(frozen=True)
class DealRow:
    number: int
    created: datetime  # local, naive: spreadsheets know no zones
    source: str
    customer: str
    phone: str | None
    stage_names: dict[str, str]
    amount: Decimal | None
    manager: str | None
    first_response: float | None  # minutes
    closed: datetime | None
    lost_reason: str | None
    # The deal's and its customer's filled fields, by field id.
    fields: dict[int, Typed] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    period: Period
    deals: list[DealRow]
    people: list[Person]
    # The overdue tasks given to the owners together, no one person's.
    owners_overdue: int
    # The items of the deals won in the period, and what they add up to.
    items: list[SoldLine]
    sold: Sold
    # A column each, after the fixed ones: the active deal fields, then the customer's.
    fields: list[FieldView] = field(default_factory=list)


@dataclass(frozen=True)
class Labels:
    deals_sheet: str
    people_sheet: str
    deal_headers: list[str]
    people_headers: list[str]
    # Names the row of the owners' overdue tasks.
    owners: str
    source: Callable[[str], str]
    stage: Callable[[dict[str, str]], str]
    reason: Callable[[str | None], str]
    field_name: Callable[[FieldView], str]
    # A field's value in a cell: numbers and dates as they are, the rest as words.
    field_value: Callable[[FieldView, Typed], object]
    sold: SoldLabels


async def export(
    session: AsyncSession,
    actor: Actor,
    choice: Choice,
    zone: ZoneInfo,
    defaults: OwnerSettings,
    now: datetime,
) -> Export:
    require_owner(actor)
    period = choose(choice, zone, now)
    chosen = await settings_of(session, actor.user_id, defaults)
    columns = await field_views.definitions(session)
    rows = await session.execute(
        select(Deal, Customer, Stage.names, User, first_answer())
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(User, User.id == Deal.manager_id)
        .where(queries.created_in(period))
        .order_by(Deal.created_at, Deal.id)
    )
    found = rows.all()
    filled = await field_views.shown(
        session, [(deal.id, customer.id) for deal, customer, *_ in found]
    )
    deals = [
        DealRow(
            number=deal.id,
            created=_local(deal.created_at, zone),
            source=shown_source(deal.source, deal.source_detail),
            customer=customer.name,
            phone=customer.phone,
            stage_names=dict(names),
            amount=deal.amount,
            manager=full_name(manager) if manager else None,
            first_response=_minutes(deal.created_at, answered),
            closed=_local(deal.closed_at, zone) if deal.closed_at else None,
            lost_reason=deal.lost_reason,
            fields={shown.field.field_id: shown.value for shown in filled[deal.id]},
        )
        for deal, customer, names, manager, answered in found
    ]
    speeds = await speed(session, period, chosen.sla, now)
    late_tasks = await overdue_by_assignee(session, now)
    team = await people(session, period, speeds, late_tasks)
    items = await lines(session, period)
    sold = summarise(items, currency_of(session))
    return Export(period, deals, team, late_tasks.get(None, 0), items, sold, columns)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _minutes(created: datetime, answered: datetime | None) -> float | None:
    if answered is None:
        return None
    return round((answered - created).total_seconds() / 60, 1)


def _headers(data: Export, labels: Labels) -> list[str]:
    return [*labels.deal_headers, *(labels.field_name(f) for f in data.fields)]


def _deal_values(row: DealRow, labels: Labels, fields: list[FieldView]) -> list[object]:
    filled = [
        None if f.field_id not in row.fields else labels.field_value(f, row.fields[f.field_id])
        for f in fields
    ]
    return [
        row.number,
        row.created,
        labels.source(row.source),
        row.customer,
        row.phone or "",
        labels.stage(row.stage_names),
        row.amount,
        row.manager or "",
        row.first_response,
        row.closed,
        labels.reason(row.lost_reason),
        *filled,
    ]


def _person_values(person: Person) -> list[object]:
    median = None if person.median is None else round(person.median / 60, 1)
    return [
        person.name,
        person.open_deals,
        person.won,
        person.won_amount,
        median,
        person.overdue_tasks,
        person.rated.count if person.rated is not None else 0,
        person.rated.average if person.rated is not None else None,
    ]


def workbook(data: Export, labels: Labels) -> bytes:
    book = Workbook(write_only=True)
    deals = book.create_sheet(labels.deals_sheet)
    header(deals, _headers(data, labels))
    for row in data.deals:
        deals.append([cell(deals, value) for value in _deal_values(row, labels, data.fields)])
    people_sheet = book.create_sheet(labels.people_sheet)
    header(people_sheet, labels.people_headers)
    for person in data.people:
        people_sheet.append(_person_values(person))
    if data.owners_overdue:
        people_sheet.append([labels.owners, None, None, None, None, data.owners_overdue])
    add_sheets(book, data.items, data.sold, data.period.zone, labels.sold)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(data: Export, labels: Labels) -> bytes:
    """The deals only (CSV has one table), UTF-8 with a BOM so spreadsheet apps read it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers(data, labels))
    for row in data.deals:
        writer.writerow(
            value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value
            for value in _deal_values(row, labels, data.fields)
        )
    return out.getvalue().encode("utf-8-sig")
