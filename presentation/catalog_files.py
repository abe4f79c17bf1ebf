"""The catalog as an .xlsx file in the owner's words: its buttons (under the owner's /catalog),
what the files are sent with, what an import did, and each mistake of a file sent back, by row
and column."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation import sheet_problems
from presentation.sheet_problems import refused_text, shared_phrases, too_big
from services.catalog import UNITS
from services.catalog_edit import NAME_LENGTH
from services.catalog_files import MAX_ROWS, CatalogFileRejected, FileProblem, Imported
from services.errors import ErrorCode

TEMPLATE_NAME = "catalog-template.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CatalogFileAction(StrEnum):
    EXPORT = "e"
    TEMPLATE = "t"
    IMPORT = "i"


class CatalogFileCb(CallbackData, prefix="cf"):
    action: CatalogFileAction


def file_buttons() -> list[list[InlineKeyboardButton]]:
    """The owner's rows of buttons for the catalog as a file."""
    return [
        [
            _button(_("📤 Export .xlsx"), CatalogFileAction.EXPORT),
            _button(_("📄 Template"), CatalogFileAction.TEMPLATE),
        ],
        [_button(_("📥 Import .xlsx"), CatalogFileAction.IMPORT)],
    ]


def _button(text: str, action: CatalogFileAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CatalogFileCb(action=action).pack())


def export_name(day: date) -> str:
    return "catalog-" + day.isoformat() + ".xlsx"


def export_caption() -> str:
    return _(
        "Every product of the catalog, active or not. Edit the file and send it back with "
        "📥 Import .xlsx: a row with an id or a code updates its product, a row with neither "
        "adds one, and products left out of the file stay as they are."
    )


def template_caption() -> str:
    return _(
        "A catalog file with one example row; the units allowed are on its second sheet. "
        "Write a row for each product and send the file back with 📥 Import .xlsx."
    )


def ask_for_file() -> str:
    return _(
        "Send the catalog as an .xlsx document. Every row is checked first: if any is wrong, "
        "nothing is changed and each mistake is named. /cancel to stop."
    )


def send_a_document() -> str:
    return _("Send the catalog as an .xlsx document, or /cancel.")


def imported_text(imported: Imported) -> str:
    added, updated = imported.added, imported.updated
    unchanged, categories = imported.unchanged, imported.categories_added
    return "\n".join(
        (
            _("The catalog is imported."),
            ngettext("{count} product added", "{count} products added", added).format(count=added),
            ngettext("{count} product updated", "{count} products updated", updated).format(
                count=updated
            ),
            ngettext(
                "{count} product the same as before",
                "{count} products the same as before",
                unchanged,
            ).format(count=unchanged),
            ngettext("{count} category added", "{count} categories added", categories).format(
                count=categories
            ),
        )
    )


def not_xlsx_text() -> str:
    return refused_text(_problems()[FileProblem.NOT_XLSX])


def too_big_text() -> str:
    return refused_text(too_big())


def problem_text(error: CatalogFileRejected) -> str:
    heading = _("The catalog file can't be imported:")
    # The catalog's columns are named by their keys.
    return sheet_problems.problem_text(heading, error, _problems(), lambda column: column)


def _problems() -> dict[ErrorCode | FileProblem, str]:
    return shared_phrases() | {
        FileProblem.NOT_XLSX: _("This is not an .xlsx workbook (Excel Workbook)."),
        FileProblem.TOO_MANY_ROWS: _(
            "The file has more than {rows} products; split it into several files."
        ).format(rows=MAX_ROWS),
        FileProblem.NO_HEADER: _("The first row must name the columns, as in the template."),
        FileProblem.UNKNOWN_COLUMN: _("there is no such column; name them as in the template."),
        FileProblem.MISSING_COLUMN: _("this column is missing."),
        FileProblem.UNIT: _("the unit must be one of {units}.").format(units=", ".join(UNITS)),
        FileProblem.YES_NO: _("write yes or no."),
        FileProblem.DUPLICATE: _("an earlier row has this product or code already."),
        FileProblem.NO_PRODUCT: _(
            "there is no product with this id; leave it blank to add a product."
        ),
        FileProblem.CATEGORY: _(
            "a category needs its English name, and a name is at most {length} characters."
        ).format(length=NAME_LENGTH),
        FileProblem.READ_ONLY: _(
            "the measure set and formula are changed in the bot, not in the file; leave this "
            "as it was."
        ),
        ErrorCode.PRODUCT_NAME: _(
            "the English name is needed, and a name is at most {length} characters."
        ).format(length=NAME_LENGTH),
        ErrorCode.PRODUCT_CODE: _(
            "a code is up to 32 letters, digits and . - / _ with no spaces."
        ),
        ErrorCode.CODE_TAKEN: _("another product has this code."),
        ErrorCode.PRICE: _(
            "a price is a number like 25 or 1500.50, not below zero, with at most 2 decimal "
            "places."
        ),
        ErrorCode.VAT_RATE: _(
            "a VAT rate is a percent from 0 to 99.99, like 18; leave it blank for none."
        ),
        ErrorCode.STOCK: _(
            "stock is a number like 120 or 12.5, with at most 3 decimal places; leave it "
            "blank if it isn't counted."
        ),
    }
