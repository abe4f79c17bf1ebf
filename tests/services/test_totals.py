"""A deal's money from its lines: rounding half up once per line to the currency's minor unit,
the item's own discounts, the deal's discounts shared over the lines, VAT in or on top of the
prices, and totals that add up whatever the cart."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from services.totals import (
    AMOUNT,
    PERCENT,
    Line,
    LineTotal,
    Off,
    Totals,
    compute,
    off_amount,
    percent_of,
    quantum,
)

D = Decimal


def money(*lines: Line, offs: tuple[Off, ...] = (), included: bool = True) -> Totals:
    return compute(lines, offs, included, "AZN")


def pct(value: str) -> Off:
    return Off(PERCENT, D(value))


def amt(value: str) -> Off:
    return Off(AMOUNT, D(value))


def test_the_minor_unit_is_the_currencys_at_most_cents() -> None:
    assert quantum("AZN") == D("0.01")
    assert quantum("USD") == D("0.01")
    assert quantum("JPY") == D(1)
    # Three decimal places (Kuwaiti dinar): amounts are kept in cents all the same.
    assert quantum("KWD") == D("0.01")


def test_a_line_is_rounded_half_up_not_to_even() -> None:
    # 3 × 33.335 = 100.005: half up 100.01 (to even would give 100.00).
    totals = money(Line(1, D("33.335"), D(3), None))
    assert totals.lines == (LineTotal(1, D("100.01"), D(0), D(0), D(0)),)
    assert (totals.subtotal, totals.vat, totals.total) == (D("100.01"), D(0), D("100.01"))
    # 0.125 × 1 = 0.125 → 0.13; 0.115 → 0.12 (to even would give 0.12 and 0.12).
    assert money(Line(1, D("0.125"), D(1), None)).total == D("0.13")
    assert money(Line(1, D("0.115"), D(1), None)).total == D("0.12")


def test_each_line_is_rounded_once_and_the_sum_is_of_rounded_lines() -> None:
    # Each 0.01 × 0.5 = 0.005 → 0.01, three lines 0.03 (the exact sum 0.015 would be 0.02).
    totals = money(*(Line(k, D("0.01"), D("0.5"), None) for k in (1, 2, 3)))
    assert [t.gross for t in totals.lines] == [D("0.01")] * 3
    assert totals.subtotal == totals.total == D("0.03")


def test_an_items_percent_discount_and_vat_included() -> None:
    # 19.99 × 3 = 59.97; 10% = 5.997 → 6.00; net 53.97; VAT 18% within: 53.97 × 18/118 =
    # 8.2327… → 8.23; the total is what is paid, 53.97.
    totals = money(Line(7, D("19.99"), D(3), D(18), (pct("10"),)))
    line = totals.lines[0]
    assert line == LineTotal(7, D("59.97"), D("6.00"), D(0), D("8.23"), (D("6.00"),))
    assert line.net == D("53.97")
    assert totals.item_discounts == D("6.00")
    assert totals.deal_discounts == ()
    assert totals.discounts == D("6.00")
    assert (totals.subtotal, totals.vat, totals.total) == (D("59.97"), D("8.23"), D("53.97"))
    assert totals.vat_included is True


def test_an_items_discounts_follow_one_another() -> None:
    # 200: 10% = 20.00, then 15 of the 180 left: 35.00 off, 165.00 paid.
    totals = money(Line(1, D(200), D(1), None, (pct("10"), amt("15"))))
    assert totals.lines[0].discount == D("35.00")
    assert totals.total == D("165.00")


def test_a_deal_discount_of_thirds_gives_the_left_cent_to_the_first_equal_line() -> None:
    # 100.00 over three lines of 50: 33.333… each → 33.33 × 3 = 99.99; the cent left goes to
    # the largest remainder, all equal here, so to the first line.
    lines = [Line(k, D(50), D(1), None) for k in (1, 2, 3)]
    totals = money(*lines, offs=(amt("100.00"),))
    assert [t.shared for t in totals.lines] == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(t.shared for t in totals.lines) == D("100.00")
    assert totals.deal_discounts == (D("100.00"),)
    assert totals.total == D("50.00")


def test_a_deal_discount_left_cent_goes_to_the_largest_remainder() -> None:
    # Nets 100, 200, 400 (700); 100 off is 14.2857…, 28.5714…, 57.1428…: floors 14.28, 28.57,
    # 57.14 (99.99); remainders .0057, .0014, .0028: the cent goes to the smallest line.
    totals = money(
        Line(1, D(100), D(1), None),
        Line(2, D(200), D(1), None),
        Line(3, D(400), D(1), None),
        offs=(amt("100"),),
    )
    assert [t.shared for t in totals.lines] == [D("14.29"), D("28.57"), D("57.14")]
    assert sum(t.shared for t in totals.lines) == D(100)
    assert totals.total == D("600.00")


def test_a_deal_discount_is_shared_over_what_is_left_after_item_discounts() -> None:
    # 300 with its own 50% (150 left) and 150: the deal's 30 is shared 15 and 15.
    totals = money(
        Line(1, D(300), D(1), None, (pct("50"),)),
        Line(2, D(150), D(1), None),
        offs=(amt("30"),),
    )
    assert [(t.discount, t.shared) for t in totals.lines] == [
        (D("150.00"), D("15.00")),
        (D(0), D("15.00")),
    ]
    assert totals.total == D("270.00")


def test_deal_discounts_follow_one_another_on_what_is_left() -> None:
    # 1000: 10% = 100.00, then 5% of the 900 left = 45.00, then 55: 200.00 off.
    totals = money(Line(1, D(1000), D(1), None), offs=(pct("10"), pct("5"), amt("55")))
    assert totals.deal_discounts == (D("100.00"), D("45.00"), D("55"))
    assert totals.discounts == D("200.00")
    assert totals.total == D("800.00")


def test_vat_included_is_taken_from_each_lines_price_rounded_per_line() -> None:
    # 118 × 18/118 = 18.00; 10 × 18/118 = 1.5254… → 1.53 (twice: 3.06, not 20 × 18/118 = 3.05).
    totals = money(
        Line(1, D(118), D(1), D(18)),
        Line(2, D(10), D(1), D(18)),
        Line(3, D(10), D(1), D(18)),
    )
    assert [t.vat for t in totals.lines] == [D("18.00"), D("1.53"), D("1.53")]
    assert totals.vat == D("21.06")
    assert totals.total == totals.subtotal == D("138.00")


def test_vat_included_after_a_shared_deal_discount() -> None:
    # Lines 100 (18%), 200 (18%), 400 (none), 100 off shared 14.29, 28.57, 57.14: VAT on
    # 85.71 is 13.0744… → 13.07, on 171.43 is 26.1503… → 26.15, none on the third.
    totals = money(
        Line(1, D(100), D(1), D(18)),
        Line(2, D(200), D(1), D(18)),
        Line(3, D(400), D(1), None),
        offs=(amt("100"),),
    )
    assert [t.vat for t in totals.lines] == [D("13.07"), D("26.15"), D(0)]
    assert totals.vat == D("39.22")
    assert totals.total == D("600.00")


def test_vat_added_on_top_of_the_net() -> None:
    # Same cart, VAT on top: 85.71 × 18% = 15.4278 → 15.43; 171.43 × 18% = 30.8574 → 30.86.
    totals = money(
        Line(1, D(100), D(1), D(18)),
        Line(2, D(200), D(1), D(18)),
        Line(3, D(400), D(1), None),
        offs=(amt("100"),),
        included=False,
    )
    assert [t.vat for t in totals.lines] == [D("15.43"), D("30.86"), D(0)]
    assert totals.vat == D("46.29")
    assert totals.total == D("600.00") + D("46.29")
    assert totals.vat_included is False


def test_a_line_with_no_vat_or_a_zero_rate_has_none() -> None:
    for included in (True, False):
        totals = money(
            Line(1, D("99.99"), D(1), None), Line(2, D("0.01"), D(1), D(0)), included=included
        )
        assert [t.vat for t in totals.lines] == [D(0), D(0)]
        assert (totals.vat, totals.total) == (D(0), D("100.00"))


def test_an_amount_larger_than_what_it_discounts_takes_all_of_it() -> None:
    totals = money(Line(1, D(100), D(1), D(18), (amt("500"),)), Line(2, D(40), D(1), None))
    assert totals.lines[0].discount == D(100)
    assert totals.lines[0].net == D(0)
    assert totals.lines[0].vat == D(0)
    assert totals.total == D("40.00")
    on_deal = money(Line(1, D(100), D(1), None), offs=(amt("250"), pct("10")))
    assert on_deal.deal_discounts == (D(100), D(0))
    assert on_deal.lines[0].shared == D(100)
    assert on_deal.total == D(0)


def test_off_amount_and_percent_of() -> None:
    unit = D("0.01")
    assert off_amount(pct("12.5"), D("10.02"), unit) == D("1.25")  # 1.2525 → 1.25
    assert off_amount(pct("12.5"), D("10.04"), unit) == D("1.26")  # 1.255 → 1.26
    assert off_amount(amt("7"), D("5"), unit) == D("5")
    assert off_amount(amt("7"), D("0"), unit) == D("0")
    assert percent_of(pct("15"), D("999")) == D(15)
    assert percent_of(amt("50"), D("400")) == D("12.5")
    assert percent_of(amt("50"), D("0")) == D(100)


def test_a_currency_without_a_minor_unit_rounds_to_whole_units() -> None:
    # 333 × 1.5 = 499.5 → 500, 10% VAT on top 50. 7% off 100 = 7; 15% of the 94 left = 14.1 →
    # 14, shared 13.85… → 14 (the larger remainder) and 0.14… → 0.
    totals = compute([Line(1, D(333), D("1.5"), D(10))], [], False, "JPY")
    assert totals.lines[0].gross == D(500)
    assert (totals.vat, totals.total) == (D(50), D(550))
    shared = compute(
        [Line(1, D(100), D(1), None, (pct("7"),)), Line(2, D(1), D(1), None)],
        [pct("15")],
        True,
        "JPY",
    )
    assert shared.lines[0].discount == D(7)
    assert shared.deal_discounts == (D(14),)
    assert all(t.shared == t.shared.to_integral_value() for t in shared.lines)
    assert sum(t.shared for t in shared.lines) == D(14)
    assert shared.total == D(80)


def test_an_amount_off_with_cents_in_a_currency_without_them_is_rounded() -> None:
    # 10.50 yen off 200 is 11 (half up): every amount is in whole yen and the total adds up.
    totals = compute(
        [Line(1, D(100), D(1), None), Line(2, D(100), D(1), None)], [amt("10.50")], True, "JPY"
    )
    assert totals.deal_discounts == (D(11),)
    assert sorted(t.shared for t in totals.lines) == [D(5), D(6)]
    assert totals.total == D(189)
    item = compute([Line(1, D(100), D(1), None, (amt("0.40"),))], [], True, "JPY")
    assert (item.lines[0].discount, item.total) == (D(0), D(100))


def test_nothing_to_count() -> None:
    totals = money()
    assert totals.lines == ()
    assert (totals.subtotal, totals.discounts, totals.vat, totals.total) == (D(0),) * 4
    assert money(offs=(amt("10"), pct("5"))).deal_discounts == (D(0), D(0))


def _off(rng: random.Random, scale: int) -> Off:
    if rng.random() < 0.5:
        return pct(str(rng.choice([1, 5, 7.5, 10, 12.25, 33.33, 50, 99.99, 100])))
    return amt(f"{rng.randint(1, scale * 100) / 100:.2f}")


def _cart(rng: random.Random) -> tuple[list[Line], list[Off]]:
    lines = []
    for key in range(rng.randint(1, 8)):
        price = D(rng.randint(0, 500_000)) / 100
        quantity = D(rng.randint(1, 20_000)) / 1000
        rate = rng.choice([None, D(0), D(18), D("7.5"), D(20)])
        offs = tuple(_off(rng, 200) for _ in range(rng.choice([0, 0, 1, 2])))
        lines.append(Line(key, price, quantity, rate, offs))
    return lines, [_off(rng, 1000) for _ in range(rng.choice([0, 0, 1, 2, 3]))]


@pytest.mark.parametrize("currency", ["AZN", "JPY"])
@pytest.mark.parametrize("included", [True, False])
def test_totals_add_up_for_any_cart(currency: str, included: bool) -> None:
    rng = random.Random(f"{currency}-{included}")
    unit = quantum(currency)
    for _ in range(500):
        lines, offs = _cart(rng)
        totals = compute(lines, offs, included, currency)
        gross = sum((t.gross for t in totals.lines), D(0))
        vat = totals.vat if not included else D(0)
        assert gross == totals.subtotal
        assert totals.subtotal - totals.discounts + vat == totals.total
        assert sum((t.shared for t in totals.lines), D(0)) == sum(totals.deal_discounts, D(0))
        assert sum((t.vat for t in totals.lines), D(0)) == totals.vat
        paid = sum((t.net - t.shared for t in totals.lines), D(0))
        assert totals.total == (paid if included else paid + totals.vat)
        for line, t in zip(lines, totals.lines, strict=True):
            assert t.key == line.key
            assert t.gross == (line.price * line.quantity).quantize(unit, "ROUND_HALF_UP")
            assert D(0) <= t.discount <= t.gross
            assert D(0) <= t.shared <= t.net
            taxable = t.net - t.shared
            rate = line.vat_rate or D(0)
            share = rate / (100 + rate) if included else rate / 100
            assert t.vat == (taxable * share).quantize(unit, "ROUND_HALF_UP")
        everything = [
            totals.total,
            totals.vat,
            *totals.deal_discounts,
            *(v for t in totals.lines for v in (t.gross, t.discount, t.shared, t.vat)),
        ]
        assert all(v == v.quantize(unit) for v in everything), everything
        assert totals.total >= 0
