"""The spreadsheet's sheets of what was sold in the period: every item of the deals won in it
("Items"), and the products and categories ranked by amount, for everyone and per manager
("Sold"). Names come in already translated, as `SoldLabels`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from services.reports.sheets import cell, header
from services.reports.sold import Ranking, Sold, SoldLine


@dataclass(frozen=True)
class SoldLabels:
    items_sheet: str
    sold_sheet: str
    item_headers: list[str]
    sold_headers: list[str]
    # The "Sold" sheet's rows for everyone's sales, and what each row ranks.
    everyone: str
    product: str
    category: str
    product_name: Callable[[Mapping[str, str]], str]
    # None: products without a category.
    category_name: Callable[[Mapping[str, str] | None], str]
    unit: Callable[[str], str]


def item_values(line: SoldLine, zone: ZoneInfo, labels: SoldLabels) -> list[object]:
    """Quantity × price less the discount (the item's own and its share of the deal's) is the
    line's amount; VAT is the part of it that is tax (or on top, when prices exclude it)."""
    return [
        line.deal_id,
        line.closed.astimezone(zone).replace(tzinfo=None),
        line.manager,
        line.code,
        labels.product_name(line.names),
        labels.category_name(line.category_names),
        line.quantity,
        labels.unit(line.unit),
        line.price,
        line.discount,
        line.total.vat,
        line.amount,
    ]


def ranking_rows(who: str, ranking: Ranking, labels: SoldLabels) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            who,
            labels.product,
            rank,
            labels.product_name(p.names),
            p.code,
            p.quantity,
            labels.unit(p.unit),
            p.amount,
        ]
        for rank, p in enumerate(ranking.by_amount, start=1)
    ]
    rows.extend(
        [who, labels.category, rank, labels.category_name(c.names), None, None, None, c.amount]
        for rank, c in enumerate(ranking.categories, start=1)
    )
    return rows


def sold_rows(sold: Sold, labels: SoldLabels) -> list[list[object]]:
    """Everyone's first (deals with no manager included), then each manager's."""
    rows = ranking_rows(labels.everyone, sold.overall, labels)
    for manager in sold.managers:
        rows.extend(ranking_rows(manager.name, manager.ranking, labels))
    return rows


def add_sheets(
    book: Workbook, items: Sequence[SoldLine], sold: Sold, zone: ZoneInfo, labels: SoldLabels
) -> None:
    sheet = book.create_sheet(labels.items_sheet)
    header(sheet, labels.item_headers)
    for line in items:
        sheet.append([cell(sheet, value) for value in item_values(line, zone, labels)])
    ranked = book.create_sheet(labels.sold_sheet)
    header(ranked, labels.sold_headers)
    for row in sold_rows(sold, labels):
        ranked.append(row)
