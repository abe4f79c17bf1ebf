"""The period's deals as a spreadsheet (one row per deal, a sheet of per-manager figures) or CSV.

The workbook is built from plain rows by `workbook`/`csv_file`, which do blocking work and are
meant to run in a thread; headers and names come in already translated as `Labels`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import Actor, require_owner
from services.db.customers import Customer
from services.db.deals import Deal, Stage
from services.db.users import User
from services.reports import queries
from services.reports.attention import overdue_by_assignee
from services.reports.periods import Choice, Period, choose
from services.reports.report import Person, people
from services.reports.settings import OwnerSettings, settings_of
from services.reports.speed import first_answer, speed
from services.users import full_name

DATE_FORMAT = "yyyy-mm-dd hh:mm"


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


@dataclass(frozen=True)
class Export:
    period: Period
    deals: list[DealRow]
    people: list[Person]


@dataclass(frozen=True)
class Labels:
    deals_sheet: str
    people_sheet: str
    deal_headers: list[str]
    people_headers: list[str]
    source: Callable[[str], str]
    stage: Callable[[dict[str, str]], str]
    reason: Callable[[str | None], str]


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
    rows = await session.execute(
        select(Deal, Customer, Stage.names, User, first_answer())
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(User, User.id == Deal.manager_id)
        .where(queries.created_in(period))
        .order_by(Deal.created_at, Deal.id)
    )
    deals = [
        DealRow(
            number=deal.id,
            created=_local(deal.created_at, zone),
            source=deal.source,
            customer=customer.name,
            phone=customer.phone,
            stage_names=dict(names),
            amount=deal.amount,
            manager=full_name(manager) if manager else None,
            first_response=_minutes(deal.created_at, answered),
            closed=_local(deal.closed_at, zone) if deal.closed_at else None,
            lost_reason=deal.lost_reason,
        )
        for deal, customer, names, manager, answered in rows.all()
    ]
    found = await speed(session, period, chosen.sla, now)
    late_tasks = await overdue_by_assignee(session, now)
    return Export(period, deals, await people(session, period, found, late_tasks))


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _minutes(created: datetime, answered: datetime | None) -> float | None:
    if answered is None:
        return None
    return round((answered - created).total_seconds() / 60, 1)


def _deal_values(row: DealRow, labels: Labels) -> list[object]:
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
    ]


def workbook(data: Export, labels: Labels) -> bytes:
    book = Workbook(write_only=True)
    deals = book.create_sheet(labels.deals_sheet)
    _header(deals, labels.deal_headers)
    for row in data.deals:
        deals.append([_cell(deals, value) for value in _deal_values(row, labels)])
    people_sheet = book.create_sheet(labels.people_sheet)
    _header(people_sheet, labels.people_headers)
    for person in data.people:
        people_sheet.append(_person_values(person))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: WriteOnlyWorksheet, titles: list[str]) -> None:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def csv_file(data: Export, labels: Labels) -> bytes:
    """The deals only (CSV has one table), UTF-8 with a BOM so spreadsheet apps read it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(labels.deal_headers)
    for row in data.deals:
        writer.writerow(
            value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value
            for value in _deal_values(row, labels)
        )
    return out.getvalue().encode("utf-8-sig")
