"""What can be wrong with a spreadsheet sent back (the catalog's, the customers'), each mistake
by its row and column, and the file refused whole for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Self

from services.errors import ErrorCode, InvalidInput

# The mistakes a refusal names; the others are counted.
MAX_PROBLEMS = 50


class FileProblem(StrEnum):
    """What is wrong where no ErrorCode says it."""

    # The whole file, and its header.
    NOT_XLSX = "not_xlsx"
    # Neither a workbook nor a CSV file that can be read.
    NOT_READABLE = "not_readable"
    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    NO_HEADER = "no_header"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    MISSING_COLUMN = "missing_column"
    # A row: the same product or customer as an earlier row's.
    DUPLICATE = "duplicate"
    # The catalog's rows.
    UNIT = "unit"
    YES_NO = "yes_no"
    NO_PRODUCT = "no_product"
    CATEGORY = "category"
    READ_ONLY = "read_only"
    # The customers' rows.
    NO_CUSTOMER = "no_customer"
    MERGED = "merged"
    PHONE_TAKEN = "phone_taken"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Problem:
    """Row as the spreadsheet numbers it (the header is 1; 0: the whole file), and the column
    by its key, or as the header wrote it when it is none ("" for the whole file or row)."""

    row: int
    column: str
    code: ErrorCode | FileProblem


class FileRejected(InvalidInput):
    """The file is refused and nothing was changed: its first problems (at most MAX_PROBLEMS,
    by row, a row's in the order of `columns`) and how many more there are."""

    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        ordered = sorted(problems, key=lambda p: (p.row, self._order(p.column)))
        self.problems = ordered[:MAX_PROBLEMS]
        self.more = len(ordered) - len(self.problems)

    @classmethod
    def whole(cls, code: FileProblem) -> Self:
        """The whole file refused for one reason."""
        return cls([Problem(0, "", code)])

    def _order(self, column: str) -> int:
        columns = self.columns
        return columns.index(column) if column in columns else len(columns)
