"""A spreadsheet sent back and refused (the catalog's, the customers'), in the owner's words:
each mistake by its row and column, what both files can get wrong alike, and that nothing was
changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from services.errors import ErrorCode
from services.sheet_problems import FileProblem, FileRejected, Problem
from services.workbooks import MAX_BYTES

Phrases = Mapping[ErrorCode | FileProblem, str]
# A column named in the file is said back as written, at most this long.
_COLUMN_SHOWN = 32


def refused_text(phrase: str) -> str:
    """A file refused before it was read, and why."""
    return phrase + "\n" + _nothing_changed()


def too_big() -> str:
    return _("The file is too large: at most {size} MB.").format(size=MAX_BYTES // (1024 * 1024))


def shared_phrases() -> dict[ErrorCode | FileProblem, str]:
    """What is said alike of both files' mistakes."""
    return {
        FileProblem.TOO_BIG: too_big(),
        FileProblem.DUPLICATE_COLUMN: _("this column is there twice."),
    }


def problem_text(
    heading: str,
    error: FileRejected,
    phrases: Phrases,
    column_name: Callable[[str], str | None],
) -> str:
    """Each mistake of the file in a line under `heading`, said with `phrases`, its column by
    `column_name` (or as the file wrote it)."""
    lines = [heading]
    lines += [_said(problem, phrases, column_name) for problem in error.problems]
    if error.more:
        lines.append(
            ngettext(
                "…and {count} more mistake.", "…and {count} more mistakes.", error.more
            ).format(count=error.more)
        )
    lines.append(_nothing_changed())
    return "\n".join(lines)


def _said(problem: Problem, phrases: Phrases, named: Callable[[str], str | None]) -> str:
    phrase = phrases.get(problem.code) or _("this can't be read.")
    if problem.row == 0:
        return phrase
    if not problem.column:
        return _("Row {row}: {problem}").format(row=problem.row, problem=phrase)
    column = named(problem.column) or problem.column
    return _("Row {row}, {column}: {problem}").format(
        row=problem.row, column=escape(column[:_COLUMN_SHOWN]), problem=phrase
    )


def _nothing_changed() -> str:
    return _("Nothing was changed. Fix the file and send it again, or /cancel.")
