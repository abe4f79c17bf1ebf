"""The few values quantiles are interpolated between, without ranking every value: values are
counted per bucket of fixed width (one GROUP BY), running counts over the buckets show which
ones hold the wanted ranks, and only the values in those buckets are sorted. A window over all
the values is one full sort each; the counting pass is a fraction of one."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    cast,
    func,
    null,
    or_,
    select,
    union_all,
)

from services.reports.sql import near, number, reaches

BUCKET = 60.0  # in the values' unit; only how many values share a bucket depends on it


def at_ranks(
    values: Subquery, overall: Sequence[Fraction], grouped: Sequence[Fraction]
) -> Select[Any]:
    """Rows (key, value, rank, size) for the ranks `near` picks: of all `values` for the
    fractions `overall` (key NULL), and of each non-null key's values for `grouped`. `values`
    has the columns `key` and `value` (never NULL), and is read twice."""
    v = values.c
    # A monotonic step, so a bucket's values all sort after those of the buckets below it.
    bucket: ColumnElement[int] = cast(v.value / number(BUCKET), Integer)
    cells = (
        select(v.key, bucket.label("bucket"), func.count().label("n"))
        .group_by(v.key, bucket)
        .cte("cells")
        .prefix_with("MATERIALIZED")
    )
    whole = select(
        cast(null(), v.key.type).label("key"), cells.c.bucket, func.sum(cells.c.n).label("n")
    ).group_by(cells.c.bucket)
    targets = _targets(
        _spans(whole.subquery("whole"), by_key=False), overall, _spans(cells, by_key=True), grouped
    )
    t = targets.c
    picked = (
        select(v.key, v.value, bucket.label("bucket"))
        .where(bucket.in_(select(t.bucket)))
        .subquery("picked")
    )
    p = picked.c
    rank = t.below + func.row_number().over(partition_by=(t.key, t.bucket), order_by=p.value)
    ranked = (
        select(t.key, p.value, rank.label("rank"), t.size)
        .join_from(picked, targets, t.bucket == p.bucket)
        .where(or_(t.key.is_(None), t.key == p.key))
        .subquery("ranked")
    )
    r = ranked.c
    return select(r.key, r.value, r.rank, r.size).where(
        or_(
            and_(r.key.is_(None), or_(*(near(r.rank, r.size, f) for f in overall))),
            and_(r.key.is_not(None), or_(*(near(r.rank, r.size, f) for f in grouped))),
        )
    )


def _spans(counts: Subquery | CTE, by_key: bool) -> Subquery:
    """Each bucket with how many values it holds, how many sort below it and the total, over
    all values or per non-null key."""
    c = counts.c
    key = c.key if by_key else None
    below = func.sum(c.n).over(partition_by=key, order_by=c.bucket) - c.n
    size = func.sum(c.n).over(partition_by=key)
    query = select(
        c.key,
        c.bucket,
        cast(c.n, Integer).label("n"),
        cast(below, Integer).label("below"),
        cast(size, Integer).label("size"),
    )
    if by_key:
        query = query.where(c.key.is_not(None))
    return query.subquery()


def _targets(
    whole: Subquery, overall: Sequence[Fraction], each: Subquery, grouped: Sequence[Fraction]
) -> CTE:
    """The buckets holding the wanted ranks: of all values, and of each key's."""

    def holding(spans: Subquery, fractions: Sequence[Fraction]) -> Select[Any]:
        s = spans.c
        return select(s.key, s.bucket, s.below, s.size).where(
            or_(*(reaches(s.below, s.n, s.size, f) for f in fractions))
        )

    return (
        union_all(holding(whole, overall), holding(each, grouped))
        .cte("targets")
        .prefix_with("MATERIALIZED")
    )
