"""SQL building blocks the report queries share: epoch seconds, per-day buckets, working time
and the ranks quantiles sit at, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Float, Integer, and_, case, literal, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)
EPSILON = 0.001  # seconds


class epoch(FunctionElement[float]):
    """Seconds since 1970 of a stored UTC timestamp."""

    type = Float()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps timestamps as UTC text. julianday's float is off by up to ~50 µs, so
    # callers compare with EPSILON to spare, which no one can tell from exact.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch)
def _epoch_default(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"


class greatest(FunctionElement[int]):
    """The larger of two non-null integers."""

    type = Integer()
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(greatest)
def _greatest_default(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


def constants(*values: str) -> list[ColumnElement[str]]:
    """Fixed words written into the SQL itself rather than bound: a partial index is used
    only when the query's condition matches the index's literally (SQLite, and PostgreSQL's
    generic plans for prepared statements)."""
    assert all(re.fullmatch(r"[a-z_]+", value) for value in values)
    return [literal_column(f"'{value}'") for value in values]


def number(value: float) -> ColumnElement[float]:
    return literal(value, Float)


def bucket(
    column: ColumnElement[datetime] | InstrumentedAttribute[datetime], starts: Sequence[datetime]
) -> ColumnElement[int]:
    """Index of the last start at or before the value (0 before the second start): a binary
    tree of CASEs, so thirty-one days cost five comparisons per row, not thirty."""

    def tree(lo: int, hi: int) -> ColumnElement[int]:
        if lo == hi:
            return literal(lo)
        mid = (lo + hi + 1) // 2
        return case((column < starts[mid], tree(lo, mid - 1)), else_=tree(mid, hi))

    return tree(0, len(starts) - 1)


def working_clock(
    seconds: ColumnElement[Any], intervals: Sequence[tuple[float, float]]
) -> ColumnElement[float]:
    """Working seconds from the first opening up to the given epoch: the difference of two
    readings is the working time between them. Piecewise linear, built as a CASE tree."""
    if not intervals:
        return number(0.0)
    edges = [edge for pair in intervals for edge in pair]
    before = [0.0]
    for opens, closes in intervals:
        before.append(before[-1] + closes - opens)

    def piece(segment: int) -> ColumnElement[float]:
        # Segment 2j+1 lies inside interval j; the others are the closed gaps around them.
        if segment % 2:
            index = segment // 2
            return number(before[index]) + (seconds - number(intervals[index][0]))
        return number(before[segment // 2])

    def tree(lo: int, hi: int) -> ColumnElement[float]:
        if lo == hi:
            return piece(lo)
        mid = (lo + hi) // 2
        return case((seconds < number(edges[mid]), tree(lo, mid)), else_=tree(mid + 1, hi))

    return tree(0, len(edges))


def _low(size: ColumnElement[Any], fraction: Fraction) -> Any:
    """The rank (0-based) a quantile is interpolated from; integer division is floor on both
    databases for these non-negative counts."""
    return (size - 1) * fraction.numerator // fraction.denominator


def near(rank: ColumnElement[Any], size: ColumnElement[Any], fraction: Fraction) -> Any:
    """The one or two ranks (1-based) a quantile of `size` sorted values is interpolated
    between."""
    low = _low(size, fraction)
    return and_(rank >= low + 1, rank <= low + 2, rank <= size)


def reaches(
    below: ColumnElement[Any], n: ColumnElement[Any], size: ColumnElement[Any], fraction: Fraction
) -> Any:
    """Whether the ranks below+1 .. below+n hold one of those `near` picks."""
    low = _low(size, fraction)
    return and_(below + 1 <= low + 2, below + n >= low + 1)


def interpolate(ranks: dict[int, float], size: int, fraction: Fraction) -> float | None:
    """Like PostgreSQL's percentile_cont, from the values at the ranks `near` picked."""
    if size == 0:
        return None
    position = (size - 1) * fraction
    low = int(position)
    below = ranks[low + 1]
    if low + 2 > size:
        return below
    return below + float(position - low) * (ranks[low + 2] - below)
