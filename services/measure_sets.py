"""Measurements products may ask for instead of a quantity: the owner names a set of inputs (a
room: length and width, in metres) once, and gives each product that uses it a formula."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import formulas
from services.access import Actor, require_owner
from services.catalog import UNITS, MeasureSetView, ProductView, measure_set, set_view
from services.catalog_edit import edit, parse_names
from services.db.catalog import MeasureSet
from services.errors import ErrorCode, FormulaRefused, InvalidInput
from services.field_kinds import slug

MAX_INPUTS = 6


def parse_inputs(text: str) -> list[dict[str, object]]:
    """One input a line: "Length / Uzunluq / Длина, m" (the unit after the last comma, metres
    when none is given); its key for formulas comes from the English name ("length")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not 1 <= len(lines) <= MAX_INPUTS:
        raise InvalidInput(ErrorCode.MEASURE_INPUTS)
    inputs: list[dict[str, object]] = []
    taken: list[str] = []
    for number, line in enumerate(lines, start=1):
        name, _, unit = line.rpartition(",") if "," in line else (line, "", "m")
        unit = unit.strip()
        if unit not in UNITS:
            raise InvalidInput(ErrorCode.MEASURE_INPUTS)
        names = parse_names(name, ErrorCode.MEASURE_INPUTS)
        key = slug(names["en"], taken, f"x{number}")
        if not formulas.usable_name(key):
            key = slug(f"x{number}", taken, f"x{number}")
        taken.append(key)
        inputs.append({"key": key, "names": names, "unit": unit})
    return inputs


async def add(
    session: AsyncSession, actor: Actor, names: str, inputs: str, now: datetime
) -> MeasureSetView:
    require_owner(actor)
    row = MeasureSet(
        names=parse_names(names, ErrorCode.MEASURE_INPUTS), inputs=parse_inputs(inputs)
    )
    session.add(row)
    await session.commit()
    return set_view(row)


async def set_formula(
    session: AsyncSession,
    actor: Actor,
    product_id: int,
    seen: int,
    set_id: int,
    text: str,
    now: datetime,
) -> ProductView:
    """The product's quantity from the set's inputs; refused, with the reason, unless the
    formula reads and counts."""
    require_owner(actor)
    inputs = await measure_set(session, actor, set_id)
    try:
        formula = formulas.check(text, inputs.keys)
    except formulas.FormulaError as error:
        raise FormulaRefused(error.problem.value, error.detail) from error
    return await edit(
        session, actor, product_id, seen, now, measure_set_id=set_id, formula=formula
    )


async def clear_formula(
    session: AsyncSession, actor: Actor, product_id: int, seen: int, now: datetime
) -> ProductView:
    """Back to a quantity typed by the manager."""
    return await edit(session, actor, product_id, seen, now, measure_set_id=None, formula=None)
