"""What a hold beyond the stock says: a line per product in the reader's language and digits,
ten at most."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.i18n import create_i18n
from presentation.stock import shortage_lines
from services.shortages import Shortage

LAMINATE = Shortage(1, {"en": "Laminate", "ru": "Ламинат"}, "m2", Decimal("40.5"), Decimal("-2"))


@pytest.fixture
def i18n() -> Iterator[None]:
    translations = create_i18n("en")
    with translations.context(), translations.use_locale("ru"):
        yield


@pytest.mark.usefixtures("i18n")
def test_a_line_per_product_and_ten_at_most() -> None:
    assert shortage_lines([LAMINATE], "ru") == ["• Ламинат: нужно 40,5 м², доступно -2 м²"]
    many = [Shortage(n, {"en": f"Part {n}"}, "piece", Decimal(3), Decimal(1)) for n in range(12)]
    lines = shortage_lines(many, "ru")
    assert len(lines) == 11
    assert lines[0] == "• Part 0: нужно 3 шт., доступно 1 шт."
    assert lines[-1] == "• и ещё 2 товара"
