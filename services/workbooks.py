"""The first sheet of a workbook sent back (the catalog's, the customers'), read with the limits
both keep: the file's size and what it unpacks to, checked before anything opens it. Blocking
work: run it in a thread."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterable
from typing import TypeVar

from openpyxl import load_workbook

from services.zips import unpacked_size

MAX_BYTES = 2 * 1024 * 1024
# What the file may unpack to: a small file can hold a great deal of compressed XML.
MAX_UNPACKED = 64 * 1024 * 1024

T = TypeVar("T")


class WorkbookRefused(Exception):
    """The file is too large (or unpacks to too much), or is no workbook."""

    def __init__(self, too_big: bool) -> None:
        super().__init__()
        self.too_big = too_big


def first_sheet(
    data: bytes,
    rows: Callable[[Iterable[tuple[object, ...]]], T],
    passes: type[Exception],
) -> T:
    """What `rows` makes of the first sheet's rows (values only); `passes`, the caller's own
    refusal, goes through it; anything else a broken file raises is WorkbookRefused."""
    if len(data) > MAX_BYTES:
        raise WorkbookRefused(too_big=True)
    unpacked = unpacked_size(data)
    if unpacked is None:
        raise WorkbookRefused(too_big=False)
    if unpacked > MAX_UNPACKED:
        raise WorkbookRefused(too_big=True)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of what it can't read (styles, extensions); only values matter.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl refuses a broken file with many kinds of error
        raise WorkbookRefused(too_big=False) from None
    try:
        return rows(book.worksheets[0].iter_rows(values_only=True))
    except passes:
        raise
    except Exception:
        raise WorkbookRefused(too_big=False) from None
    finally:
        book.close()
