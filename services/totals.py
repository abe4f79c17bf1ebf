"""A deal's money from its items: each line, the discounts, VAT and the total.

Decimal throughout; every amount is rounded half up to the currency's minor unit once, where it
is made (a line's price times quantity, a discount, a line's VAT), and sums are of rounded
amounts, so the card, the export, the reports and documents add up to the same figure. A
discount on the whole deal is shared among the lines in proportion to what is left of each
(the cents the shares leave over go to the lines with the largest remainders), so each line's
VAT is taken from what is actually paid for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

PERCENT, AMOUNT = "percent", "amount"
HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Off:
    """A discount: `kind` percent (value 0–100) or amount (in money)."""

    kind: str
    value: Decimal


@dataclass(frozen=True)
class Line:
    key: int
    price: Decimal
    quantity: Decimal
    vat_rate: Decimal | None
    offs: tuple[Off, ...] = ()


@dataclass(frozen=True)
class LineTotal:
    key: int
    # Price × quantity; the item's own discounts; what the deal's discounts took from it.
    gross: Decimal
    discount: Decimal
    shared: Decimal
    vat: Decimal
    # What each of the item's own discounts took, in their order (they add up to `discount`).
    offs: tuple[Decimal, ...] = ()

    @property
    def net(self) -> Decimal:
        """After the item's own discounts, as the line shows it."""
        return self.gross - self.discount

    def paid(self, vat_included: bool) -> Decimal:
        """What the customer pays for the line: after every discount, with the VAT when it is
        added to prices. The lines' amounts add up to the deal's total."""
        left = self.gross - self.discount - self.shared
        return left if vat_included else left + self.vat


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineTotal, ...]
    subtotal: Decimal
    item_discounts: Decimal
    # One amount per discount on the whole deal, in the order given.
    deal_discounts: tuple[Decimal, ...]
    vat: Decimal
    total: Decimal
    vat_included: bool

    @property
    def discounts(self) -> Decimal:
        return self.item_discounts + sum(self.deal_discounts, ZERO)


def quantum(currency: str) -> Decimal:
    """The currency's minor unit (0.01 for AZN, 1 for JPY), at most cents: amounts are kept
    with two decimal places."""
    return Decimal(1).scaleb(-min(get_currency_precision(currency), 2))


def rounded(value: Decimal, unit: Decimal) -> Decimal:
    return value.quantize(unit, rounding=ROUND_HALF_UP)


def off_amount(off: Off, base: Decimal, unit: Decimal) -> Decimal:
    """What a discount takes from `base`: never more than the base, never below zero."""
    taken = rounded(base * off.value / HUNDRED if off.kind == PERCENT else off.value, unit)
    return max(ZERO, min(taken, base))


def percent_of(off: Off, base: Decimal) -> Decimal:
    """A discount as a percent of what it discounts (an amount on nothing is all of it)."""
    if off.kind == PERCENT:
        return off.value
    return HUNDRED if base <= 0 else off.value * HUNDRED / base


def compute(
    lines: Sequence[Line], deal_offs: Sequence[Off], vat_included: bool, currency: str
) -> Totals:
    unit = quantum(currency)
    gross = [rounded(line.price * line.quantity, unit) for line in lines]
    each = [_offs(line.offs, g, unit) for line, g in zip(lines, gross, strict=True)]
    own = [sum(amounts, ZERO) for amounts in each]
    nets = [g - o for g, o in zip(gross, own, strict=True)]
    left = sum(nets, ZERO)
    deal_amounts = []
    for off in deal_offs:
        taken = off_amount(off, left, unit)
        deal_amounts.append(taken)
        left -= taken
    shares = _shares(nets, sum(deal_amounts, ZERO), unit)
    totals = []
    for line, g, o, s, t in zip(lines, gross, own, shares, each, strict=True):
        vat = _vat(g - o - s, line.vat_rate, vat_included, unit)
        totals.append(LineTotal(line.key, g, o, s, vat, tuple(t)))
    vat = sum((t.vat for t in totals), ZERO)
    paid = sum(nets, ZERO) - sum(shares, ZERO)
    return Totals(
        lines=tuple(totals),
        subtotal=sum(gross, ZERO),
        item_discounts=sum(own, ZERO),
        deal_discounts=tuple(deal_amounts),
        vat=vat,
        total=paid if vat_included else paid + vat,
        vat_included=vat_included,
    )


def _offs(offs: Sequence[Off], base: Decimal, unit: Decimal) -> list[Decimal]:
    """What each discount takes, one after another, from what the ones before left."""
    taken: list[Decimal] = []
    for off in offs:
        taken.append(off_amount(off, base - sum(taken, ZERO), unit))
    return taken


def _vat(taxable: Decimal, rate: Decimal | None, included: bool, unit: Decimal) -> Decimal:
    if not rate:
        return ZERO
    if included:
        return rounded(taxable * rate / (HUNDRED + rate), unit)
    return rounded(taxable * rate / HUNDRED, unit)


def _shares(nets: Sequence[Decimal], whole: Decimal, unit: Decimal) -> list[Decimal]:
    """`whole` split over the lines in proportion to `nets`, in minor units, adding up exactly."""
    base = sum(nets, ZERO)
    if whole <= 0 or base <= 0:
        return [ZERO for _ in nets]
    exact = [net * whole / base for net in nets]
    shares = [(e / unit).to_integral_value(rounding="ROUND_FLOOR") * unit for e in exact]
    over = int((whole - sum(shares, ZERO)) / unit)
    order = sorted(range(len(nets)), key=lambda i: (exact[i] - shares[i], nets[i]), reverse=True)
    for i in order[:over]:
        shares[i] += unit
    return shares
