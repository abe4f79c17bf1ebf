"""The files owners get: the spreadsheet opens with the right rows; the chart is a real PNG."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.reports.drawing import ChartData, draw
from services.access import Actor
from services.db.deals import Deal
from services.db.fields import FieldDef, FieldValue
from services.db.tasks import Task
from services.errors import AccessDenied
from services.reports import export
from services.reports.periods import Choice
from services.reports.settings import OwnerSettings
from services.reports.worktime import parse_schedule
from tests.support.reports_seed import ANNA, BAKU, NOW, SINCE, week
from tests.support.sold_seed import SOLD_LABELS

DEFAULTS = OwnerSettings(True, True, 9 * 60, 15, parse_schedule("mon-fri 09:00-18:00"))
OLGA = Actor(user_id=1, tg_id=1, role="owner", first_name="Olga", locale="en")
LABELS = export.Labels(
    deals_sheet="Deals",
    people_sheet="People",
    deal_headers=[f"h{n}" for n in range(11)],
    people_headers=[f"p{n}" for n in range(8)],
    owners="Owners",
    source=str.upper,
    stage=lambda names: names["en"],
    reason=lambda stored: stored or "",
    field_name=lambda field: field.names["en"],
    field_value=lambda field, value: "yes" if value is True else value,
    sold=SOLD_LABELS,
)
# The last 7 days at NOW: Tue 24 Feb to Mon 2 Mar, 13:00 in Baku.
FIRST_ROWS = [
    [3, datetime(2026, 2, 24, 11, 0), "PHONE", "Customer 3", "+994500000003", "Lost", None,
     "Bako", 10, datetime(2026, 2, 26, 12, 0), "price"],
    [4, datetime(2026, 2, 25, 3, 30), "TELEGRAM", "Customer 4", "+994500000004", "New", None,
     "Bako", 344, None, None],
]  # fmt: skip


@pytest.fixture
async def data(session: AsyncSession) -> export.Export:
    await week(session)
    return await export.export(session, OLGA, Choice.LAST_7, BAKU, DEFAULTS, NOW)


async def test_workbook_has_a_row_per_deal_and_a_sheet_per_manager(data: export.Export) -> None:
    book = load_workbook(io.BytesIO(export.workbook(data, LABELS)))
    assert book.sheetnames == ["Deals", "People", "Items", "Sold"]
    rows = [list(r) for r in book["Deals"].iter_rows(values_only=True)]
    assert rows[0] == LABELS.deal_headers
    assert [r[0] for r in rows[1:]] == [3, 4, 8, 5, 6, 7, 12]  # by local creation time
    assert rows[1:3] == FIRST_ROWS
    deal_8, deal_6 = rows[3], rows[5]
    assert (deal_8[5], deal_8[8]) == ("Invoice sent", 15)
    assert (deal_6[2], deal_6[7], deal_6[8]) == ("MANUAL", None, None)  # nobody, unanswered
    assert book["Deals"]["B2"].number_format == "yyyy-mm-dd hh:mm"
    people = [list(r) for r in book["People"].iter_rows(values_only=True)]
    # Anna answered deals 5, 8, 12 in 3796, 15 and 10 minutes: median 15.
    assert people == [
        LABELS.people_headers,
        ["Anna", 4, 1, 1000, 15, 1, 0, None],
        ["Bako", 2, 1, 500.5, 10, 0, 0, None],
    ]


async def test_the_owners_overdue_tasks_have_a_row_of_their_own(session: AsyncSession) -> None:
    await week(session)
    # Given to the owners together: one overdue, one done, one not due yet.
    for due, done in (
        (NOW - timedelta(hours=2), None),
        (NOW - timedelta(hours=3), NOW),
        (NOW + timedelta(hours=1), None),
    ):
        session.add(
            Task(
                kind="task", assignee_id=None, created_by=ANNA, note="approve", due_at=due,
                created_at=SINCE, done_at=done, calls=0, version=1,
            )
        )  # fmt: skip
    await session.commit()
    data = await export.export(session, OLGA, Choice.LAST_7, BAKU, DEFAULTS, NOW)
    book = load_workbook(io.BytesIO(export.workbook(data, LABELS)))
    assert [list(r) for r in book["People"].iter_rows(values_only=True)][1:] == [
        ["Anna", 4, 1, 1000, 15, 1, 0, None],
        ["Bako", 2, 1, 500.5, 10, 0, 0, None],
        ["Owners", None, None, None, None, 1, None, None],
    ]


async def test_csv_has_the_same_deal_rows(data: export.Export) -> None:
    raw = export.csv_file(data, LABELS)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == LABELS.deal_headers
    assert rows[1] == [
        "3", "2026-02-24 11:00", "PHONE", "Customer 3", "+994500000003", "Lost", "",
        "Bako", "10.0", "2026-02-26 12:00", "price",
    ]  # fmt: skip
    assert len(rows) == 8


async def test_only_owners_export(session: AsyncSession) -> None:
    anna = Actor(user_id=2, tg_id=200, role="manager", first_name="Anna", locale="en")
    with pytest.raises(AccessDenied):
        await export.export(session, anna, Choice.TODAY, BAKU, DEFAULTS, NOW)


def test_export_amounts_keep_cents(data: export.Export) -> None:
    assert [p.won_amount for p in data.people] == [Decimal("1000.00"), Decimal("500.50")]


def test_chart_is_a_png_with_labels_in_any_script() -> None:
    png = draw(
        ChartData(
            title="1–7 мар. 2026 г.",
            funnel_title="Воронка",
            stages=["Новая", "Связались", "Uğurlu"],
            reached=[8, 4, 1],
            won_last=True,
            daily_title="Новые заявки по дням",
            days=[f"{n} мар." for n in range(1, 8)],
            counts=[2, 1, 1, 1, 1, 1, 1],
        )
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (800, 600))
    # Thirty days still get readable, thinned-out day labels; an empty report draws too.
    empty = ChartData("x", "f", [], [], False, "d", [str(d) for d in range(30)], [0] * 30)
    assert Image.open(io.BytesIO(draw(empty))).size == (800, 600)


def test_dates_in_rows_are_local(data: export.Export) -> None:
    assert data.deals[0].created == datetime(2026, 2, 24, 11, 0)
    assert data.period.first == date(2026, 2, 24)


async def test_each_active_field_is_a_column_after_the_fixed_ones(session: AsyncSession) -> None:
    await week(session)
    for position, (entity, key, kind) in enumerate(
        (("deal", "prepayment", "money"), ("customer", "vip", "yes_no"), ("deal", "old", "text"))
    ):
        session.add(
            FieldDef(
                entity=entity,
                key=key,
                kind=kind,
                names={"en": key.capitalize()},
                choices=[],
                position=position,
                active=key != "old",
                created_at=NOW,
            )
        )
    await session.flush()
    deal = await session.get_one(Deal, 3)
    session.add_all(
        [
            FieldValue(entity="deal", object_id=3, field_id=1, value="150.50", updated_at=NOW),
            FieldValue(
                entity="customer",
                object_id=deal.customer_id,
                field_id=2,
                value="yes",
                updated_at=NOW,
            ),
            FieldValue(entity="deal", object_id=3, field_id=3, value="hidden", updated_at=NOW),
        ]
    )
    await session.commit()
    data = await export.export(session, OLGA, Choice.LAST_7, BAKU, DEFAULTS, NOW)
    book = load_workbook(io.BytesIO(export.workbook(data, LABELS)))
    rows = [list(r) for r in book["Deals"].iter_rows(values_only=True)]
    assert rows[0] == [*LABELS.deal_headers, "Prepayment", "Vip"]
    assert rows[1][11:] == [150.5, "yes"]
    assert rows[2][11:] == [None, None]
    csv_rows = list(csv.reader(io.StringIO(export.csv_file(data, LABELS).decode("utf-8-sig"))))
    assert csv_rows[1][11:] == ["150.50", "yes"]
