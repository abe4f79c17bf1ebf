"""A row of the catalog's spreadsheet read into a product's values, every cell that can't be
read named; each cell is read as typed or as a number the spreadsheet stored, in English
notation (1,500.50)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TypeVar

from services.access import SUPPORTED_LOCALES
from services.catalog import UNITS, search_text
from services.catalog_edit import NAME_LENGTH, parse_code, parse_price, parse_stock, parse_vat
from services.catalog_sheet import NO, YES
from services.errors import ErrorCode, InvalidInput
from services.ids import MAX_ID
from services.sheet_problems import FileProblem, Problem
from services.workbooks import Cell, Values

NOTATION = "en"
_TRUE = frozenset({YES, "true", "1"})
_FALSE = frozenset({NO, "false", "0"})
# Excel keeps 15 significant digits: 30.299999999999997 is the 30.3 it shows.
_DIGITS = ".15g"

T = TypeVar("T")


class _Unreadable(Exception):
    def __init__(self, code: ErrorCode | FileProblem) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RowIn:
    """A row as the product it describes. `measure_set` and `formula` are as written, None when
    the file has no such column."""

    number: int
    product_id: int | None
    code: str | None
    names: dict[str, str]
    category: dict[str, str] | None
    unit: str
    price: Decimal
    vat_rate: Decimal | None
    stock: Decimal | None
    active: bool
    measure_set: str | None
    formula: str | None
    # The names and code folded for search (services.catalog.search_text).
    search: str


def text(value: Cell) -> str:
    """A cell as words: a number as the spreadsheet shows it, without an exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return format(Decimal(format(value, _DIGITS)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return " ".join(str(value).split())


def parse(
    number: int, values: Values, columns: frozenset[str]
) -> tuple[RowIn | None, list[Problem]]:
    """The row's product, or None and what is wrong in it, cell by cell."""
    problems: list[Problem] = []

    def cell(column: str, read: Callable[[str], T], fallback: T) -> T:
        try:
            return read(text(values.get(column)))
        except InvalidInput as error:
            problems.append(Problem(number, column, error.code))
        except _Unreadable as error:
            problems.append(Problem(number, column, error.code))
        return fallback

    english = cell("name_en", _required_name, "")
    names = {"en": english}
    for locale in SUPPORTED_LOCALES[1:]:
        names[locale] = cell(f"name_{locale}", _name, "") or english
    code = cell("code", _code, None)
    row = RowIn(
        number=number,
        product_id=cell("id", _product_id, None),
        code=code,
        names=names,
        category=_category(number, values, problems),
        unit=cell("unit", _unit, ""),
        price=cell("price", parse_price_en, Decimal(0)),
        vat_rate=cell("vat_rate", _vat, None),
        stock=cell("stock", _stock, None),
        active=cell("active", _active, True),
        measure_set=text(values.get("measure_set")) if "measure_set" in columns else None,
        formula=text(values.get("formula")) if "formula" in columns else None,
        search=search_text(names, code),
    )
    return (None if problems else row), problems


def _required_name(typed: str) -> str:
    if not typed:
        raise InvalidInput(ErrorCode.PRODUCT_NAME)
    return _name(typed)


def _name(typed: str) -> str:
    if len(typed) > NAME_LENGTH:
        raise InvalidInput(ErrorCode.PRODUCT_NAME)
    return typed


def _product_id(typed: str) -> int | None:
    if not typed:
        return None
    if not typed.isdigit() or not 1 <= int(typed) <= MAX_ID:
        raise _Unreadable(FileProblem.NO_PRODUCT)
    return int(typed)


def _code(typed: str) -> str | None:
    return parse_code(typed) if typed and typed != "-" else None


def _unit(typed: str) -> str:
    unit = typed.casefold()
    if unit not in UNITS:
        raise _Unreadable(FileProblem.UNIT)
    return unit


def parse_price_en(typed: str) -> Decimal:
    return parse_price(typed, NOTATION)


def _vat(typed: str) -> Decimal | None:
    return parse_vat(typed, NOTATION) if typed else None


def _stock(typed: str) -> Decimal | None:
    return parse_stock(typed, NOTATION) if typed else None


def _active(typed: str) -> bool:
    word = typed.casefold()
    if not word or word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Unreadable(FileProblem.YES_NO)


def _category(number: int, values: Values, problems: list[Problem]) -> dict[str, str] | None:
    """The category's names (Azerbaijani and Russian as the English when left blank), or None
    when the row names none."""
    names = {locale: text(values.get(f"category_{locale}")) for locale in SUPPORTED_LOCALES}
    long = [locale for locale, name in names.items() if len(name) > NAME_LENGTH]
    for locale in long:
        problems.append(Problem(number, f"category_{locale}", FileProblem.CATEGORY))
    if not names["en"]:
        if any(names.values()):
            problems.append(Problem(number, "category_en", FileProblem.CATEGORY))
        return None
    return {locale: name or names["en"] for locale, name in names.items()}
