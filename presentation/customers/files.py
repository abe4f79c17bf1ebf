"""The customers as a spreadsheet in the owner's words: the headers (read back in any of the
bot's languages), the rows' cells, what the files are sent with, what an import did, and each
mistake of a file sent back, by row and column."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from presentation import sheet_problems
from presentation.render import source_name
from presentation.sheet_problems import refused_text, shared_phrases, too_big
from services.access import SUPPORTED_LOCALES
from services.customer_export import CustomerOut
from services.customer_import import Imported
from services.customer_phones import MAX_PHONES
from services.customer_sheet import COLUMNS, LIST_SEPARATOR, CustomerFileRejected
from services.errors import ErrorCode
from services.sheet_problems import FileProblem
from services.workbooks import MAX_ROWS


def titles() -> list[str]:
    """The headers in the reader's language, in the columns' order."""
    named = {
        "id": _("id"),
        "name": _("customer name"),
        "phone": _("main phone"),
        "other_phones": _("other phones"),
        "email": _("e-mail"),
        "company": _("company"),
        "address": _("address"),
        "language": _("language"),
        "birthday": _("birthday"),
        "tags": _("tags"),
        "notes": _("notes"),
        "source": _("source"),
        "created": _("created"),
        "requests": _("requests"),
        "last_activity": _("last activity"),
    }
    return [named[column] for column in COLUMNS]


def known_titles() -> dict[str, str]:
    """Every header an import reads (folded), in any of the bot's languages, with its column."""
    i18n = get_i18n()
    known = {column: column for column in COLUMNS}
    for locale in SUPPORTED_LOCALES:
        with i18n.use_locale(locale):
            named = titles()
        known.update(
            {" ".join(t.split()).casefold(): c for t, c in zip(named, COLUMNS, strict=True)}
        )
    return known


def sheet_name() -> str:
    return _("Customers")


def cells(row: CustomerOut, zone: ZoneInfo) -> list[object]:
    """A customer's row: dates as they are (in local time), lists joined, the source named."""
    return [
        row.customer_id,
        row.name,
        row.phone,
        LIST_SEPARATOR.join(row.other_phones) or None,
        row.email,
        row.company,
        row.address,
        row.language,
        row.birthday,
        LIST_SEPARATOR.join(row.tags) or None,
        row.notes,
        source_name(row.source),
        _local(row.created_at, zone),
        row.requests,
        _local(row.last_activity_at, zone),
    ]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def export_name(day: date, csv: bool) -> str:
    return "customers-" + day.isoformat() + (".csv" if csv else ".xlsx")


def export_caption(count: int) -> str:
    return ngettext(
        "{count} customer. Edit the file and send it back after /customers import: a row "
        "with an id updates that customer, a row without one adds a customer.",
        "{count} customers. Edit the file and send it back after /customers import: a row "
        "with an id updates that customer, a row without one adds a customer.",
        count,
    ).format(count=count)


def ask_for_file() -> str:
    return _(
        "Send the customers as an .xlsx or .csv document, in the columns of /customers "
        "export. Every row is checked first: if any is wrong, nothing is changed and each "
        "mistake is named. /cancel to stop."
    )


def send_a_document() -> str:
    return _("Send the customers as an .xlsx or .csv document, or /cancel.")


def imported_text(imported: Imported) -> str:
    added, updated = imported.added, imported.updated
    return "\n".join(
        (
            _("The customers are imported."),
            ngettext("{count} customer added", "{count} customers added", added).format(
                count=added
            ),
            ngettext("{count} customer updated", "{count} customers updated", updated).format(
                count=updated
            ),
        )
    )


def not_readable_text() -> str:
    return refused_text(_problems()[FileProblem.NOT_READABLE])


def too_big_text() -> str:
    return refused_text(too_big())


def problem_text(error: CustomerFileRejected) -> str:
    heading = _("The customers file can't be imported:")
    names = dict(zip(COLUMNS, titles(), strict=True))
    return sheet_problems.problem_text(heading, error, _problems(), names.get)


def _problems() -> dict[ErrorCode | FileProblem, str]:
    return shared_phrases() | {
        FileProblem.NOT_READABLE: _(
            "This is not an .xlsx workbook or a .csv file in UTF-8 (in Excel: Save As, CSV UTF-8)."
        ),
        FileProblem.TOO_MANY_ROWS: _(
            "The file has more than {rows} customers; split it into several files."
        ).format(rows=MAX_ROWS),
        FileProblem.NO_HEADER: _("The first row must name the columns, as the export does."),
        FileProblem.UNKNOWN_COLUMN: _("there is no such column; name them as the export does."),
        # The name is the one column a file must have.
        FileProblem.MISSING_COLUMN: _("the name column is missing."),
        FileProblem.NO_CUSTOMER: _(
            "there is no customer with this id; leave it blank to add a customer."
        ),
        FileProblem.MERGED: _(
            "this customer was merged into another; put that customer's id here."
        ),
        FileProblem.DUPLICATE: _("an earlier row has this customer already."),
        FileProblem.PHONE_TAKEN: _(
            "this number is another customer's own; merge them in the bot instead."
        ),
        FileProblem.LANGUAGE: _("the language is en, az or ru, or blank."),
        ErrorCode.CUSTOMER_TEXT: _("this is empty or too long."),
        ErrorCode.EMAIL: _("this doesn't look like an e-mail address."),
        ErrorCode.BIRTHDAY: _("write the birthday like 31.12.1990 or 1990-12-31."),
        ErrorCode.CUSTOMER_PHONE: _(
            "write a phone number like +994 50 123 45 67 (the other phones after a main one)."
        ),
        ErrorCode.TOO_MANY_PHONES: _("a customer keeps at most {count} typed numbers.").format(
            count=MAX_PHONES
        ),
        ErrorCode.TAG: _(
            "tags are short words without spaces, up to 32 characters each, at most 6."
        ),
    }
