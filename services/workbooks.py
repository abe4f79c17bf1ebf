"""A spreadsheet sent back (the catalog's, the customers'), read the way both are: the first
sheet of a workbook, with the limits both keep (the file's size and what it unpacks to, checked
before anything opens it), and its header and rows, with the mistakes both can find in them.
Blocking work: run it in a thread."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import zip_longest
from typing import TypeVar

from openpyxl import load_workbook

from services.sheet_problems import FileProblem, FileRejected, Problem
from services.zips import unpacked_size

MAX_BYTES = 2 * 1024 * 1024
# What the file may unpack to: a small file can hold a great deal of compressed XML.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_ROWS = 10_000

Cell = object
Values = dict[str, Cell]
T = TypeVar("T")


def first_sheet(
    data: bytes,
    rows: Callable[[Iterable[tuple[Cell, ...]]], T],
    rejected: type[FileRejected],
    unreadable: FileProblem,
) -> T:
    """What `rows` makes of the first sheet's rows (values only); a file too large or one that
    unpacks to too much is refused (`rejected`) as TOO_BIG, anything else a broken file raises
    as `unreadable`."""
    if len(data) > MAX_BYTES:
        raise rejected.whole(FileProblem.TOO_BIG)
    unpacked = unpacked_size(data)
    if unpacked is None:
        raise rejected.whole(unreadable)
    if unpacked > MAX_UNPACKED:
        raise rejected.whole(FileProblem.TOO_BIG)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of what it can't read (styles, extensions); only values matter.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl refuses a broken file with many kinds of error
        raise rejected.whole(unreadable) from None
    try:
        return rows(book.worksheets[0].iter_rows(values_only=True))
    except rejected:
        raise
    except Exception:
        raise rejected.whole(unreadable) from None
    finally:
        book.close()


def table(
    found: Iterable[Sequence[Cell]],
    key: Callable[[str], str],
    required: Collection[str],
    rejected: type[FileRejected],
    max_rows: int,
) -> tuple[list[str], list[tuple[int, Values]]]:
    """The column under each title of the first row, by its key ("" under a blank title), and
    the rows below it that hold anything, each with its number in the sheet and its cells by
    key (the blank ones too). `key` tells the column a title (folded: see `title`) names, or ""
    for none. Refused (`rejected`) for a file with no header, a title naming no column, a
    column twice or a `required` one missing (all of these named at once), or more than
    `max_rows` rows."""
    rows = iter(found)
    titles = [title(value) for value in next(rows, ())]
    while titles and not titles[-1]:
        titles.pop()
    if not titles:
        raise rejected.whole(FileProblem.NO_HEADER)
    keys = [key(written) for written in titles]
    problems = [
        Problem(1, written, FileProblem.UNKNOWN_COLUMN)
        for written, column in zip(titles, keys, strict=True)
        if written and not column
    ]
    problems += [
        Problem(1, column, FileProblem.DUPLICATE_COLUMN)
        for index, column in enumerate(keys)
        if column and column in keys[:index]
    ]
    problems += [
        Problem(1, column, FileProblem.MISSING_COLUMN) for column in required if column not in keys
    ]
    if problems:
        raise rejected(problems)
    read: list[tuple[int, Values]] = []
    for number, row in enumerate(rows, start=2):
        # A row ends at its last cell written: the blank ones after it are blank too.
        values = {column: value for column, value in zip_longest(keys, row) if column}
        if all(blank(value) for value in values.values()):
            continue
        if len(read) == max_rows:
            raise rejected.whole(FileProblem.TOO_MANY_ROWS)
        read.append((number, values))
    return keys, read


def title(value: Cell) -> str:
    """A header's title as it is looked up: spaces single, case folded."""
    return "" if value is None else " ".join(str(value).split()).casefold()


def blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
