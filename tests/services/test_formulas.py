"""Formulas for a product's quantity, in exact decimals, and the measurements a manager types."""

from __future__ import annotations

from decimal import Decimal, getcontext

import pytest

from services.errors import ErrorCode, InvalidInput
from services.formulas import FormulaError, FormulaProblem, check, evaluate
from services.measures import parse_measures

ROOM = ["length", "width"]


def quantity(formula: str, **values: str) -> Decimal:
    return evaluate(formula, {name: Decimal(value) for name, value in values.items()})


def refused(formula: str, inputs: list[str] = ROOM) -> tuple[FormulaProblem, str]:
    with pytest.raises(FormulaError) as caught:
        check(formula, inputs)
    return caught.value.problem, caught.value.detail


def test_flooring_for_a_room_in_packs() -> None:
    formula = "ceil(length * width * 1.1 / 2.2)"
    assert check(formula, ROOM) == formula
    assert quantity(formula, length="4.2", width="3.5") == 8


def test_numbers_are_exact_decimals() -> None:
    assert quantity("ceil(4.4 / 2.2)") == 2
    assert quantity("ceil(length / 2.2)", length="4.4") == 2
    assert quantity("0.1 + 0.2") == Decimal("0.3")
    assert quantity("1 if 0.1 + 0.2 == 0.3 else 0") == 1


def test_the_quantity_has_three_places_rounded_half_up() -> None:
    result = quantity("length / 8", length="1")
    assert result == Decimal("0.125") and str(result) == "0.125"
    assert str(quantity("length / 16", length="1")) == "0.063"
    # 0 * -1 is -0 in Decimal; a quantity is never said as "-0.000".
    assert str(quantity("0 * -length", length="1")) == "0.000"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("ceil(length)", "3"),
        ("ceil(2)", "2"),
        ("floor(length)", "2"),
        ("round(length)", "3"),
        ("round(3.5)", "4"),
        ("round(length - 1)", "2"),
        ("round(1.25, 1)", "1.3"),
        ("round(1.35, 1)", "1.4"),
        ("round(1.2345, 3)", "1.235"),
        ("min(length, 7, 3)", "2.5"),
        ("max(length, 7, 3)", "7"),
        ("min(length)", "2.5"),
        ("abs(1 - length)", "1.5"),
        ("sqrt(length * 10)", "5"),
        ("sqrt(2)", "1.414"),
        ("pack(length, 2.2)", "4.4"),
        ("pack(4.4, 2.2)", "4.4"),
        ("pack(length, 0.5)", "2.5"),
        ("length ** 2", "6.25"),
        ("length ** 0", "1"),
        ("2 ** 10", "1024"),
        ("-length + 3", "0.5"),
        ("+length", "2.5"),
        ("1 if length > 2 else 2", "1"),
        ("1 if length < 2 else 2", "2"),
        ("1 if 2 <= length <= 3 else 2", "1"),
        ("1 if length != 2.5 else 2", "2"),
        ("1 if length >= 2.5 else 2", "1"),
    ],
)
def test_functions_and_operators(formula: str, expected: str) -> None:
    assert quantity(formula, length="2.5") == Decimal(expected)


@pytest.mark.parametrize(
    ("formula", "inputs", "problem", "detail"),
    [
        ("", ROOM, FormulaProblem.SYNTAX, ""),
        ("  \n ", ROOM, FormulaProblem.SYNTAX, ""),
        ("length *", ROOM, FormulaProblem.SYNTAX, "length *"),
        ("length width", ROOM, FormulaProblem.SYNTAX, "width"),
        ("length\x00", ROOM, FormulaProblem.SYNTAX, ""),
        ("length = 1", ROOM, FormulaProblem.SYNTAX, "= 1"),
        ("length" + " + 1" * 74, ROOM, FormulaProblem.TOO_LONG, ""),
        ("lenght*width", ROOM, FormulaProblem.UNKNOWN_NAME, "lenght"),
        ("cell(length)", ROOM, FormulaProblem.UNKNOWN_NAME, "cell"),
        ("__import__('os')", ROOM, FormulaProblem.UNKNOWN_NAME, "__import__"),
        ("_0 + length", ROOM, FormulaProblem.UNKNOWN_NAME, "_0"),
        ("().__class__", ROOM, FormulaProblem.NOT_ALLOWED, "().__class__"),
        ("length.real", ROOM, FormulaProblem.NOT_ALLOWED, "length.real"),
        ("'4' + length", ROOM, FormulaProblem.NOT_ALLOWED, "'4'"),
        ("f'{length}'", ROOM, FormulaProblem.NOT_ALLOWED, "f'{length}'"),
        ("(lambda: length)()", ROOM, FormulaProblem.NOT_ALLOWED, "(lambda: length)()"),
        ("lambda: length", ROOM, FormulaProblem.NOT_ALLOWED, "lambda: length"),
        ("max([x for x in length])", ROOM, FormulaProblem.NOT_ALLOWED, "[x for x in length]"),
        ("[x for x in length]", ROOM, FormulaProblem.NOT_ALLOWED, "[x for x in length]"),
        ("length[0]", ROOM, FormulaProblem.NOT_ALLOWED, "length[0]"),
        ("length % 2", ROOM, FormulaProblem.NOT_ALLOWED, "length % 2"),
        ("length // 2", ROOM, FormulaProblem.NOT_ALLOWED, "length // 2"),
        ("length and width", ROOM, FormulaProblem.NOT_ALLOWED, "length and width"),
        ("length ** 11", ROOM, FormulaProblem.NOT_ALLOWED, "11"),
        ("length ** 9 ** 9", ROOM, FormulaProblem.NOT_ALLOWED, "9 ** 9"),
        ("length ** 0.5", ROOM, FormulaProblem.NOT_ALLOWED, "0.5"),
        ("2 ** length", ROOM, FormulaProblem.NOT_ALLOWED, "length"),
        ("1e3 * length", ROOM, FormulaProblem.NOT_ALLOWED, "1e3"),
        ("1_000 * length", ROOM, FormulaProblem.NOT_ALLOWED, "1_000"),
        ("True * length", ROOM, FormulaProblem.NOT_ALLOWED, "True"),
        ("length > 2", ROOM, FormulaProblem.NOT_ALLOWED, "length > 2"),
        ("1 if length else 2", ROOM, FormulaProblem.NOT_ALLOWED, "length"),
        ("1 if length in width else 2", ROOM, FormulaProblem.NOT_ALLOWED, "length in width"),
        ("ceil", ROOM, FormulaProblem.NOT_ALLOWED, "ceil"),
        ("length(2)", ROOM, FormulaProblem.NOT_ALLOWED, "length(2)"),
        ("ceil(length, 2)", ROOM, FormulaProblem.NOT_ALLOWED, "ceil(length, 2)"),
        ("min()", ROOM, FormulaProblem.NOT_ALLOWED, "min()"),
        ("round(length, n=1)", ROOM, FormulaProblem.NOT_ALLOWED, "round(length, n=1)"),
        ("length / (width - 1)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("length - 2", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("length * 1000000000", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("((((length ** 10) ** 10) ** 10) ** 10) ** 10", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("sqrt(length - 2)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("pack(length, 0)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("pack(length, -1)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("round(length, 0.5)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("round(length, 7)", ROOM, FormulaProblem.BAD_RESULT, ""),
        ("2.2 * 3", ROOM, FormulaProblem.NO_INPUTS, ""),
        ("length", ["length", "Width"], FormulaProblem.BAD_INPUT_NAME, "Width"),
        ("length", ["length", "2d"], FormulaProblem.BAD_INPUT_NAME, "2d"),
        ("length", ["length", "width\n"], FormulaProblem.BAD_INPUT_NAME, "width\n"),
        ("length", ["length", "if"], FormulaProblem.BAD_INPUT_NAME, "if"),
        ("length", ["length", "round"], FormulaProblem.BAD_INPUT_NAME, "round"),
    ],
)
def test_a_formula_is_refused_with_its_reason(
    formula: str, inputs: list[str], problem: FormulaProblem, detail: str
) -> None:
    assert refused(formula, inputs) == (problem, detail)


def test_check_keeps_the_formula_tidy_and_allows_one_at_most_max_length() -> None:
    assert check("  ceil( length *\n width )  ", ROOM) == "ceil( length * width )"
    longest = "length" + " + 1" * 73 + "+1"
    assert len(longest) == 300
    assert check(longest, ROOM) == longest
    assert check("-" * 294 + "length", ROOM).endswith("length")


def test_a_formula_without_inputs_is_allowed_only_when_there_are_none() -> None:
    assert check("2.2 * 3", []) == "2.2 * 3"
    assert quantity("2.2 * 3") == Decimal("6.6")


@pytest.mark.parametrize(
    ("formula", "values"),
    [
        ("length / width", {"length": "1", "width": "0"}),
        ("length - width", {"length": "1", "width": "2"}),
        ("length * width", {"length": "1000000", "width": "1000"}),
        ("length * width", {"length": "NaN", "width": "1"}),
    ],
)
def test_evaluate_refuses_a_result_that_is_no_quantity(
    formula: str, values: dict[str, str]
) -> None:
    with pytest.raises(FormulaError) as caught:
        quantity(formula, **values)
    assert caught.value.problem is FormulaProblem.BAD_RESULT


def test_evaluate_checks_the_formula_too() -> None:
    with pytest.raises(FormulaError) as caught:
        quantity("length * width", length="2")
    assert (caught.value.problem, caught.value.detail) == (FormulaProblem.UNKNOWN_NAME, "width")


def test_the_decimal_context_is_left_alone() -> None:
    before = getcontext().copy()
    quantity("sqrt(2) * length", length="1")
    assert (getcontext().prec, getcontext().rounding) == (before.prec, before.rounding)


@pytest.mark.parametrize(
    ("locale", "typed", "count", "expected"),
    [
        ("en", "4.2 x 3.5", 2, ["4.2", "3.5"]),
        ("en", "4.2X3.5", 2, ["4.2", "3.5"]),
        ("en", "4.2 × 3.5", 2, ["4.2", "3.5"]),
        ("en", "4.2*3.5*2", 3, ["4.2", "3.5", "2"]),
        ("en", "4.2; 3.5", 2, ["4.2", "3.5"]),
        ("en", "  4.2   3.5 ", 2, ["4.2", "3.5"]),
        ("en", "4,200", 1, ["4200"]),
        ("en", "0.125", 1, ["0.125"]),
        ("en", "999999.999", 1, ["999999.999"]),
        ("az", "4,2 x 3,5", 2, ["4.2", "3.5"]),
        ("az", "4,2 3,5", 2, ["4.2", "3.5"]),
        ("az", "4.2 x 3.5", 2, ["4.2", "3.5"]),
        ("az", "4.200", 1, ["4.2"]),
        ("az", "1.500,5", 1, ["1500.5"]),
        ("ru", "4,2 х 3,5", 2, ["4.2", "3.5"]),
        ("ru", "4,2Х3,5", 2, ["4.2", "3.5"]),
        ("ru", "4.2 3.5", 2, ["4.2", "3.5"]),
    ],
)
def test_measures_as_typed(locale: str, typed: str, count: int, expected: list[str]) -> None:
    assert parse_measures(typed, locale, count) == [Decimal(value) for value in expected]


@pytest.mark.parametrize(
    ("locale", "typed", "count"),
    [
        ("en", "4.2 x 3.5", 1),
        ("en", "4.2 x 3.5", 3),
        ("en", "4.2 x", 2),
        ("en", "", 1),
        ("en", "4,2 x 3,5", 2),
        ("en", "0 x 3.5", 2),
        ("en", "-4.2 x 3.5", 2),
        ("en", "4.2 x -3.5", 2),
        ("en", "4.2345", 1),
        ("az", "4,2345", 1),
        ("en", "1000000", 1),
        ("en", "4.2m x 3.5", 2),
        ("ru", "четыре", 1),
        ("en", "1e3", 1),
        ("az", "4.2.5", 1),
        ("az", "1 500", 1),
        ("az", "4,2, 3,5", 2),
    ],
)
def test_measures_refused(locale: str, typed: str, count: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_measures(typed, locale, count)
    assert caught.value.code is ErrorCode.MEASURES
