"""A product's quantity from the measurements a manager types: a formula over named inputs, e.g.
`ceil(length * width * 1.1 / 2.2)` packs of 2.2 m² for a room, a tenth more for waste.

simpleeval (a safe expression evaluator; never Python's eval) evaluates the formula, in Decimal:
the text is parsed with `ast`, checked against the little that is allowed here, and each number
written in it becomes a name bound to its exact Decimal, so `ceil(4.4 / 2.2)` is 2 and
`0.1 + 0.2 == 0.3`. simpleeval is given only these functions and operators, and no attributes."""

from __future__ import annotations

import ast
import inspect
import keyword
import operator
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum

from simpleeval import SimpleEval

MAX_LENGTH = 300
INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
# A quantity is below this and kept to three decimal places.
LIMIT = Decimal(10) ** 9
PLACES = Decimal("0.001")
# `x ** n` only with n written as a whole number up to this; `round(x, n)` to at most 6 places.
MAX_POWER = 10
MAX_ROUND = 6
ZERO = Decimal(0)
# check() evaluates a formula with every input at each of these.
SAMPLES = (Decimal(1), Decimal("2.5"))
_CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_NUMBER = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+")


class FormulaProblem(StrEnum):
    SYNTAX = "syntax"
    UNKNOWN_NAME = "unknown_name"
    NOT_ALLOWED = "not_allowed"
    TOO_LONG = "too_long"
    BAD_RESULT = "bad_result"
    NO_INPUTS = "no_inputs"
    BAD_INPUT_NAME = "bad_input_name"


class FormulaError(Exception):
    """`detail` is the offending name or piece of the formula, or ""."""

    def __init__(self, problem: FormulaProblem, detail: str = "") -> None:
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail


def _ceil(x: Decimal) -> Decimal:
    return x.to_integral_value(ROUND_CEILING)


def _floor(x: Decimal) -> Decimal:
    return x.to_integral_value(ROUND_FLOOR)


def _round(x: Decimal, places: Decimal = ZERO) -> Decimal:
    """Half up, not to even: round(2.5) is 3."""
    if places != places.to_integral_value() or not 0 <= places <= MAX_ROUND:
        raise ValueError(places)
    return x.quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP)


def _min(first: Decimal, *others: Decimal) -> Decimal:
    return min((first, *others))


def _max(first: Decimal, *others: Decimal) -> Decimal:
    return max((first, *others))


def _abs(x: Decimal) -> Decimal:
    return abs(x)


def _sqrt(x: Decimal) -> Decimal:
    return x.sqrt()


def _pack(x: Decimal, size: Decimal) -> Decimal:
    """The smallest multiple of `size` that is at least `x`: what is bought in packs."""
    if size <= 0:
        raise ValueError(size)
    return _ceil(x / size) * size


FUNCTIONS: dict[str, Callable[..., Decimal]] = {
    "ceil": _ceil,
    "floor": _floor,
    "round": _round,
    "min": _min,
    "max": _max,
    "abs": _abs,
    "sqrt": _sqrt,
    "pack": _pack,
}
# Arithmetic, signs and comparisons; a comparison only as the condition of `a if … else b`.
_OPERATORS: dict[type[ast.AST], Callable[..., object]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


@dataclass(frozen=True)
class _Formula:
    text: str
    tree: ast.expr
    numbers: dict[str, Decimal]
    used: frozenset[str]


class _Reader:
    """Refuses what a formula may not do, notes the inputs it uses, and puts a name bound to
    its Decimal in place of each number (those names start with "_", which no input can)."""

    def __init__(self, text: str, inputs: Collection[str]) -> None:
        self.text = text
        self.inputs = inputs
        self.numbers: dict[str, Decimal] = {}
        self.used: set[str] = set()

    def read(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            if isinstance(node.op, ast.Pow):
                self._exponent(node.right)
            node.left, node.right = self.read(node.left), self.read(node.right)
        elif isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            node.operand = self.read(node.operand)
        elif isinstance(node, ast.IfExp):
            node.test = self._condition(node.test)
            node.body, node.orelse = self.read(node.body), self.read(node.orelse)
        elif isinstance(node, ast.Call) and self._callable(node):
            node.args = [self.read(argument) for argument in node.args]
        else:
            raise self._refused(node)
        return node

    def _refused(self, node: ast.AST) -> FormulaError:
        return FormulaError(FormulaProblem.NOT_ALLOWED, self._source(node))

    def _source(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    def _number(self, node: ast.Constant) -> ast.expr:
        source = self._source(node)
        if not _NUMBER.fullmatch(source):
            raise self._refused(node)
        name = f"_{len(self.numbers)}"
        self.numbers[name] = Decimal(source)
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)

    def _name(self, node: ast.Name) -> ast.expr:
        if node.id in self.inputs:
            self.used.add(node.id)
            return node
        if node.id in FUNCTIONS:
            raise self._refused(node)
        raise FormulaError(FormulaProblem.UNKNOWN_NAME, node.id)

    def _exponent(self, node: ast.expr) -> None:
        source = self._source(node)
        if not (re.fullmatch("[0-9]+", source) and int(source) <= MAX_POWER):
            raise self._refused(node)

    def _condition(self, node: ast.expr) -> ast.expr:
        if not isinstance(node, ast.Compare) or any(type(op) not in _OPERATORS for op in node.ops):
            raise self._refused(node)
        node.left = self.read(node.left)
        node.comparators = [self.read(value) for value in node.comparators]
        return node

    def _callable(self, node: ast.Call) -> bool:
        """A call of one of FUNCTIONS, with as many arguments as it takes, none by keyword."""
        if not isinstance(node.func, ast.Name) or node.func.id in self.inputs:
            return False
        function = FUNCTIONS.get(node.func.id)
        if function is None:
            raise FormulaError(FormulaProblem.UNKNOWN_NAME, node.func.id)
        try:
            inspect.signature(function).bind(*node.args)
        except TypeError:
            return False
        return not node.keywords


def check(formula: str, inputs: Sequence[str]) -> str:
    """The formula as it is to be kept (stripped, its spaces collapsed), or FormulaError: it
    must use at least one of `inputs` when there are any, and give a quantity with every input
    at 1 and again at 2.5."""
    parsed = _parse(formula, inputs)
    if inputs and not parsed.used:
        raise FormulaError(FormulaProblem.NO_INPUTS)
    for sample in SAMPLES:
        _run(parsed, dict.fromkeys(inputs, sample))
    return parsed.text


def evaluate(formula: str, values: Mapping[str, Decimal]) -> Decimal:
    """The quantity, to three decimal places (half up); FormulaError(BAD_RESULT) when it
    divides by zero or is not a number from 0 to below 10**9."""
    return _run(_parse(formula, values.keys()), values)


def usable_name(name: str) -> bool:
    """Whether an input may be called `name` in formulas: not a keyword or a function."""
    return (
        bool(INPUT_NAME.fullmatch(name)) and not keyword.iskeyword(name) and name not in FUNCTIONS
    )


def _parse(formula: str, inputs: Collection[str]) -> _Formula:
    for name in inputs:
        if not usable_name(name):
            raise FormulaError(FormulaProblem.BAD_INPUT_NAME, name)
    text = " ".join(formula.split())
    if not text or not text.isprintable():
        raise FormulaError(FormulaProblem.SYNTAX)
    if len(text) > MAX_LENGTH:
        raise FormulaError(FormulaProblem.TOO_LONG)
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise FormulaError(FormulaProblem.SYNTAX, _near(text, error)) from error
    reader = _Reader(text, inputs)
    tree = reader.read(tree)
    return _Formula(text, tree, reader.numbers, frozenset(reader.used))


def _near(text: str, error: SyntaxError) -> str:
    """Up to ten characters of the formula from where the parser stopped."""
    start = max((error.offset or 1) - 1, 0)
    return text[start : start + 10].strip()


def _run(formula: _Formula, values: Mapping[str, Decimal]) -> Decimal:
    evaluator = SimpleEval(
        operators=_OPERATORS,
        functions=FUNCTIONS,
        names={**values, **formula.numbers},
        allowed_attrs={},
    )
    with localcontext(_CONTEXT):
        try:
            result: Decimal = evaluator.eval(formula.text, previously_parsed=formula.tree)
        except (DecimalException, ValueError) as error:
            raise FormulaError(FormulaProblem.BAD_RESULT) from error
        if not result.is_finite() or result < 0 or result >= LIMIT:
            raise FormulaError(FormulaProblem.BAD_RESULT)
        # copy_abs: -0 (as `0 * -1` gives) is said as 0.
        return result.quantize(PLACES).copy_abs()
