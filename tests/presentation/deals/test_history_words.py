"""A deal's history in words: its items added, changed and removed, and discounts given, taken
back, asked of the owners and refused, by people and by rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import create_i18n
from presentation.deals.card import Reader
from presentation.deals.pickers import describe, history_text
from services.history import ON_DEAL, ON_ITEM, Entry, HistoryPage, Value
from services.totals import AMOUNT, PERCENT, Off

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
READER = Reader(ZoneInfo("UTC"), "en", "AZN", AT, True, 1)
LAMINATE = {"en": "Laminate", "ru": "Ламинат"}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with create_i18n("en").context():
        yield


def entry(kind: str, old: Value, new: Value, product: dict[str, str] | None = LAMINATE) -> Entry:
    return Entry(AT, "Anna", kind, old, new, product=product)


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        (entry("item", None, Decimal("12")), "🛒 added Laminate × 12"),
        (entry("item", Decimal("12"), Decimal("14.5")), "🛒 Laminate: 12 → 14.5"),
        (entry("item", Decimal("1000.000"), Decimal("1250")), "🛒 Laminate: 1,000 → 1,250"),
        (entry("item", Decimal("14"), None), "🛒 removed Laminate"),
        (
            entry("discount", ON_DEAL, Off(PERCENT, Decimal("5")), None),
            "🏷 discount 5% on the request",
        ),
        (
            entry("discount", ON_ITEM, Off(AMOUNT, Decimal("50.00"))),
            "🏷 discount AZN50.00 on Laminate",
        ),
        (
            entry("discount", ON_ITEM, Off(PERCENT, Decimal("12.5")), None),
            "🏷 discount 12.5% on an item",
        ),
        (entry("discount", ON_DEAL, None, None), "🏷 discount removed"),
        (entry("discount", ON_ITEM, None), "🏷 discount removed"),
        (
            entry("discount_asked", ON_DEAL, Off(PERCENT, Decimal("15")), None),
            "⏳ discount 15% asked of the owner",
        ),
        (
            entry("discount_held", ON_DEAL, Off(AMOUNT, Decimal("50.00")), None),
            "⏳ discount AZN50.00 above the limit once the items changed: asked of the owner",
        ),
        (
            entry("discount_refused", ON_ITEM, Off(PERCENT, Decimal("15"))),
            "✖ discount 15% refused",
        ),
    ],
)
def test_items_and_discounts_in_words(shown: Entry, said: str) -> None:
    assert describe(shown, READER) == said


def test_a_name_is_in_the_readers_language_and_escaped() -> None:
    with create_i18n("en").use_locale("ru"):
        russian = Reader(ZoneInfo("UTC"), "ru", "AZN", AT, True, 1)
        assert describe(entry("item", Decimal("14"), None), russian).endswith("Ламинат")
    tagged = entry("item", None, Decimal("1"), {"en": "<b>Oak</b>"})
    assert describe(tagged, READER) == "🛒 added &lt;b&gt;Oak&lt;/b&gt; × 1"


def test_a_rules_discount_names_the_rule() -> None:
    given = Entry(AT, None, "discount", ON_DEAL, Off(PERCENT, Decimal("5")), rule="Wholesale")
    page = HistoryPage(1, 3, [given], 0, 1)
    assert history_text(page, READER).splitlines() == [
        "<b>Request #1: history</b>",
        "Mar 2, 2026, 09:30 · by rule «Wholesale»: 🏷 discount 5% on the request",
    ]


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        (entry("document", "quote", "Q-2026-0001", None), "🗂 Quote Q-2026-0001 made"),
        (
            entry("document_sent", "invoice", "INV-2026-0002", None),
            "📤 Invoice INV-2026-0002 sent to the customer",
        ),
        (
            entry("document_accepted", "quote", "Q-2026-0001", None),
            "✅ Quote Q-2026-0001 accepted",
        ),
        (entry("payment", "manual", Decimal("30.00"), None), "💳 AZN30.00 received"),
        (
            entry("payment", "api", Decimal("12.50"), None),
            "💳 AZN12.50 posted by the accounting system",
        ),
        (entry("payment", "telegram", Decimal("70.00"), None), "💳 AZN70.00 paid in Telegram"),
        (entry("delivery", None, "2026-12-24 TRK-77", None), "🚚 delivery: Dec 24, 2026 TRK-77"),
    ],
)
def test_documents_and_payments_in_words(shown: Entry, said: str) -> None:
    assert describe(shown, READER) == said
