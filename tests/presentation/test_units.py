"""Units after a quantity, and quantities in the reader's digits."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.i18n import create_i18n
from presentation.units import measured, quantity_text, unit_name


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = create_i18n("en")
    with i18n.context():
        yield


def test_every_catalog_unit_has_a_short_name() -> None:
    names = [unit_name(u, "en") for u in ("piece", "m", "m2", "m3", "kg", "l", "h", "set")]
    assert names == ["pcs", "m", "m²", "m³", "kg", "l", "h", "set"]
    assert unit_name("box", "en") == "box"


def test_quantities_drop_trailing_zeros_in_the_readers_digits() -> None:
    assert quantity_text(Decimal("2.500"), "en") == "2.5"
    assert quantity_text(Decimal("1000.000"), "en") == "1,000"
    assert quantity_text(Decimal("1000.250"), "ru") == "1\xa0000,25"
    assert measured(Decimal("3.000"), "piece", "en") == "3 pcs"
    assert measured(Decimal("12.50"), "m2", "az") == "12,5 m²"
