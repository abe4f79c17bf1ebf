"""The report's "What was sold", exactly as an English-speaking owner reads it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.i18n import create_i18n
from presentation.reports import sold_text
from services.reports.sold import CategorySold, ManagerSold, ProductSold, Ranking, Sold


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = create_i18n("en")
    with i18n.context():
        yield


def product(n: int, name: str, unit: str, quantity: str, amount: str) -> ProductSold:
    return ProductSold(n, None, {"en": name, "ru": name.upper()}, unit, Decimal(quantity),
                       Decimal(amount))  # fmt: skip


PRODUCTS = (
    product(1, "Window", "piece", "3.000", "1789.44"),
    product(2, "Door <oak>", "piece", "1.000", "237.50"),
    product(3, "Glass", "m2", "3.500", "148.76"),
    product(4, "Fitting", "h", "3.000", "56.05"),
    product(5, "Tempered safety glass with a low-emissivity coating", "m2", "0.250", "20"),
    product(6, "Handle", "set", "2.000", "10"),
)
CATEGORIES = (
    CategorySold(1, {"en": "Windows"}, Decimal("1958.20")),
    CategorySold(2, {"en": "Doors"}, Decimal("247.50")),
    CategorySold(None, None, Decimal("56.05")),
    CategorySold(3, {"en": "Extras"}, Decimal(1)),
)


def ranking(*products: ProductSold) -> Ranking:
    total = sum((p.amount for p in products), Decimal(0))
    return Ranking(products, products, CATEGORIES, total)


SOLD = Sold(
    "AZN",
    ranking(*PRODUCTS),
    (
        ManagerSold(2, "Anna", ranking(PRODUCTS[0], PRODUCTS[2])),
        ManagerSold(3, "Bako & Co", ranking(PRODUCTS[1])),
    ),
)


def test_top_products_categories_and_each_managers_best_seller() -> None:
    assert sold_text.section(SOLD, "en") == "\n".join(
        [
            "<b>🛒 What was sold</b>",
            "• Window: AZN1,789.44 · 3 pcs",
            "• Door &lt;oak&gt;: AZN237.50 · 1 pcs",
            "• Glass: AZN148.76 · 3.5 m²",
            "• Fitting: AZN56.05 · 3 h",
            "• Tempered safety glass with a low-emissi…: AZN20.00 · 0.25 m²",
            "• Top categories: Windows: AZN1,958.20, Doors: AZN247.50, no category: AZN56.05",
            "<b>Each manager's best seller</b>",
            "• Anna: Window · AZN1,789.44 · 3 pcs",
            "• Bako &amp; Co: Door &lt;oak&gt; · AZN237.50 · 1 pcs",
        ]
    )


def test_names_in_the_readers_language_and_many_managers_cut_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sold_text, "MANAGERS_SHOWN", 1)
    lines = (sold_text.section(SOLD, "ru") or "").splitlines()
    assert lines[1].startswith("• WINDOW: 1\xa0789,44\xa0AZN · 3 ")
    assert lines[-2].startswith("• Anna: WINDOW · 1\xa0789,44\xa0AZN · 3 ")
    assert lines[-1] == "…and 1 more"


def test_nothing_sold_shows_nothing() -> None:
    empty = Sold("AZN", Ranking((), (), (), Decimal(0)), ())
    assert sold_text.section(empty, "en") is None
