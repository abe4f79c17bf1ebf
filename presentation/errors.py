"""Domain errors in the reader's words."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from services.errors import DomainError, ErrorCode, FormulaRefused, PlaceholdersUnknown

# Placeholders said as they are written: {name} stays "{name}" in every language.
PLACEHOLDERS = {name: "{" + name + "}" for name in ("name", "number", "amount")}


def generic_text() -> str:
    """What is said when nothing more precise can be: the base DomainError's code."""
    return _("Something went wrong. Please try again.")


def error_text(error: DomainError) -> str:
    if isinstance(error, FormulaRefused):
        return formula_text(error.problem, error.detail)
    if isinstance(error, PlaceholdersUnknown):
        return unknown_placeholders_text(error.names)
    return _texts().get(error.code) or generic_text()


def formula_text(problem: str, detail: str) -> str:
    """Why a formula was refused, naming what is wrong in it."""
    reasons = {
        "syntax": _("it can't be read near «{detail}»"),
        "unknown_name": _("«{detail}» is neither a measurement nor a function"),
        "not_allowed": _("«{detail}» is not allowed in a formula"),
        "too_long": _("it is longer than 300 characters"),
        "bad_result": _("it doesn't give a quantity of 0 or more for every measurement"),
        "no_inputs": _("it uses none of the measurements"),
        "bad_input_name": _("a measurement's name «{detail}» can't be used in a formula"),
    }
    reason = reasons.get(problem, reasons["syntax"]).format(detail=escape(detail[:40]))
    return _("The formula can't be saved: {reason}. Send another one, or /cancel.").format(
        reason=reason
    )


def unknown_placeholders_text(names: list[str]) -> str:
    shown = ", ".join("{" + escape(name) + "}" for name in names)
    return _(
        "The text names something I don't know: {names}. Only {name}, {number} and "
        "{amount} are filled in. Send it again, or /cancel."
    ).format(names=shown, **PLACEHOLDERS)


def _texts() -> dict[ErrorCode, str]:
    """Every ErrorCode in the reader's words (tests/test_error_codes.py checks none is left
    to the generic text)."""
    return {
        ErrorCode.ERROR: generic_text(),
        ErrorCode.CONFLICT: _(
            "That can't be done now: something has just changed. Please look again."
        ),
        ErrorCode.INVALID_INPUT: _("I couldn't read that."),
        ErrorCode.ACCESS_DENIED: _("Sorry, you can't do that."),
        ErrorCode.NOT_FOUND: _("Not found: it may have been removed."),
        ErrorCode.ALREADY_TAKEN: _("Someone else has already taken this request."),
        ErrorCode.COMPANY_DETAIL: _(
            "That is too long, or empty. A name and a tax number take one line. "
            "Send it again, - to clear it, or /cancel."
        ),
        ErrorCode.LOGO: _("Send the logo as a photo, smaller than 1 MB."),
        ErrorCode.PAYMENT_REPEATED: _(
            "This payment was recorded before with another amount or request; nothing changed."
        ),
        ErrorCode.NO_TEMPLATE: _(
            "There is no contract template yet: the owner sends one in /company."
        ),
        ErrorCode.TEMPLATE_FILL: _(
            "The contract template could not be filled in. The owner can send a corrected one "
            "in /company."
        ),
        ErrorCode.DELIVERY: _(
            "Send the delivery date like 24.12.2026 and, on a second line, the tracking number "
            "if there is one (at most 64 characters). Nothing was changed."
        ),
        ErrorCode.DOCUMENT_FAILED: _(
            "The document could not be made: the company's document template fails. "
            "Nothing was sent; try again once it is mended."
        ),
        ErrorCode.NOTHING_OWED: _(
            "This is more than is owed on the request: it may be paid already."
        ),
        ErrorCode.PROVIDER_TOKEN: _(
            "That doesn't look like a payment provider token. Copy it from @BotFather's "
            "Payments, or /cancel."
        ),
        ErrorCode.NO_ITEMS: _("Add items to the request first: a document lists them."),
        ErrorCode.DOCUMENT_NOT_READY: _("The document is still being made. Try again shortly."),
        ErrorCode.DOCUMENT_REPLACED: _(
            "This document has been replaced by a newer version. Please look at the latest one."
        ),
        ErrorCode.NO_TELEGRAM: _(
            "This customer has no Telegram chat with the bot; call them instead."
        ),
        ErrorCode.INVITE: _(
            "This invite link is invalid, used or expired. Ask the owner for a new one."
        ),
        ErrorCode.ALREADY_OWNER: _("You are an owner already; invites are for managers."),
        ErrorCode.ALREADY_MANAGER: _("You are already a manager here."),
        ErrorCode.PHONE: _(
            "That doesn't look like a phone number. "
            "Send it like +994 50 123 45 67, share your contact, or tap Skip."
        ),
        ErrorCode.LEAD_SOURCE: _(
            "Give the source a name of up to 64 characters that is not in the list yet."
        ),
        ErrorCode.EMPTY_REQUEST: _("Please describe what you need: text, a photo or a document."),
        ErrorCode.EMPTY_REPLY: _("Send text, a photo or a document to reply."),
        ErrorCode.LANGUAGE: _("Choose one of the offered languages."),
        ErrorCode.AMOUNT: _(
            "That doesn't look like an amount. Send a number like 1500 or 1,500.50; "
            "nothing was changed."
        ),
        ErrorCode.NEGATIVE_AMOUNT: _("The amount can't be negative; nothing was changed."),
        ErrorCode.EMPTY_TEXT: _("Please write a few words, or /cancel."),
        ErrorCode.DEAL_CLOSED: _("This request is closed. The owner can reopen it."),
        ErrorCode.NOT_CLOSED: _("This request is open already."),
        ErrorCode.SAME_STAGE: _("The request is at this stage already."),
        ErrorCode.SAME_MANAGER: _("This request is with that person already."),
        ErrorCode.LOST_REASON: _("Choose one of the offered reasons."),
        ErrorCode.STRATEGY: _("Choose one of the offered ways."),
        ErrorCode.LEVEL: _("A level is a whole number from 1 to 9. Send another one, or /cancel."),
        ErrorCode.CAPACITY: _(
            "Send how many open requests at most, from 1 to 999, or 0 for no limit; or /cancel."
        ),
        ErrorCode.TAG: _(
            "Tags are short words without spaces, up to 32 characters each, at most 6. "
            "Send them again, or /cancel."
        ),
        ErrorCode.STAGE_NAME: _(
            "A stage name is 1 to 64 characters. Send another one, or /cancel."
        ),
        ErrorCode.STAGE_FIXED: _(
            "Won and Lost stay; only the stages before them can move or be deleted."
        ),
        ErrorCode.STAGE_RESERVES: _(
            "Only the stages before Won reserve stock: Won takes what a request holds from the "
            "stock, and Lost lets it go."
        ),
        ErrorCode.BEYOND_STOCK: _(
            "There is not enough stock for this request; nothing was changed."
        ),
        ErrorCode.STALE_CARD: _(
            "This card was out of date, so nothing was changed. Here is the request as it is now."
        ),
        ErrorCode.STALE_CUSTOMER: _(
            "This card was out of date, so nothing was changed. Here is the customer as they "
            "are now."
        ),
        ErrorCode.CUSTOMER_MERGED: _(
            "This customer has been merged into another one, so nothing was changed. Here is "
            "the customer they were merged into."
        ),
        ErrorCode.EMAIL: _(
            "That doesn't look like an e-mail address. Send it like name@example.com, - to "
            "clear it, or /cancel."
        ),
        ErrorCode.BIRTHDAY: _(
            "Send the birthday like 31.12.1990 or 1990-12-31, - to clear it, or /cancel."
        ),
        ErrorCode.CUSTOMER_TEXT: _(
            "That is empty or too long. Send it again, - to clear it, or /cancel."
        ),
        ErrorCode.CUSTOMER_PHONE: _(
            "That doesn't look like a phone number. Send it like +994 50 123 45 67, or /cancel."
        ),
        ErrorCode.PHONE_ON_CARD: _("This number is on the card already; nothing was changed."),
        ErrorCode.TOO_MANY_PHONES: _(
            "A customer keeps at most 5 typed numbers. Remove one first; nothing was changed."
        ),
        ErrorCode.MOMENT: _(
            "I couldn't read that date and time. Write it like 25.12 15:00, 2026-12-25 15:00, "
            "15:00 or tomorrow 10:00, or /cancel."
        ),
        ErrorCode.MOMENT_PAST: _("That moment has passed already. Send a later one, or /cancel."),
        ErrorCode.TASK_DONE: _("This task is done already."),
        ErrorCode.NOT_IN_TEAM: _("That person is not in the team any more; choose another."),
        ErrorCode.NOT_ON_DEAL: _("That person doesn't work on this request; choose another."),
        ErrorCode.TASK_TEXT: _("A task is up to 500 characters. Send a shorter one, or /cancel."),
        ErrorCode.STEP_PASSED: _(
            "That button is from an earlier step. Use the latest message, or /cancel."
        ),
        ErrorCode.REPLY_TITLE: _(
            "A title is 1 to 32 characters: it goes on a button. Send another one, or /cancel."
        ),
        ErrorCode.REPLY_TEXT: _(
            "A quick reply is 1 to 1000 characters. Send it again, or /cancel."
        ),
        ErrorCode.REPLY_PLACEHOLDER: _(
            "The text names something I don't know in curly brackets. Only {name}, "
            "{number} and {amount} are filled in. Send it again, or /cancel."
        ).format(**PLACEHOLDERS),
        ErrorCode.REPLIES_FULL: _(
            "There are 20 quick replies in this language already; remove one first."
        ),
        ErrorCode.REPLY_AMOUNT: _(
            "This reply names the amount, and the request has none yet. Nothing was sent."
        ),
        ErrorCode.REPLY_OVER: _(
            "That question is over: press Reply on the request again. Nothing was sent."
        ),
        ErrorCode.CONTRACT_TEXT: _(
            "Send the number, then the start and end dates, like A-17 01.01.2026 31.12.2026, "
            "or /cancel."
        ),
        ErrorCode.CONTRACT_DATE: _(
            "I couldn't read a date there. Write dates like 31.12.2026 or 2026-12-31, or /cancel."
        ),
        ErrorCode.CONTRACT_NUMBER: _(
            "A contract number is 1 to 64 characters. Send it again, or /cancel."
        ),
        ErrorCode.CONTRACT_DATES: _(
            "The contract can't end before it starts. Send it again, or /cancel."
        ),
        ErrorCode.CONTRACT_SETTLED: _("This contract is already renewed or closed."),
        ErrorCode.FIELD_NAME: _(
            "A field name is 1 to 64 characters. Send another one, or /cancel."
        ),
        ErrorCode.FIELD_CHOICES: _(
            "Send 1 to 20 options, one a line, each 1 to 64 characters "
            "(Cash / Nağd / Наличные names one in every language), or /cancel."
        ),
        ErrorCode.FIELD_TEXT: _("Send 1 to 500 characters of text, or /cancel."),
        ErrorCode.FIELD_NUMBER: _(
            "That doesn't look like a number. Send one like 1250.5; nothing was changed."
        ),
        ErrorCode.FIELD_DATE: _(
            "I couldn't read that date. Write it like 31.12.2026 or 2026-12-31; "
            "nothing was changed."
        ),
        ErrorCode.FIELD_CHOICE: _("Choose one of the offered values."),
        ErrorCode.FIELD_YES_NO: _("Choose yes or no."),
        ErrorCode.FIELD_UNKNOWN: _("There is no such field."),
        ErrorCode.RULE_INVALID: _(
            "This rule can't be saved: something it names is gone or not valid. "
            "Nothing was changed."
        ),
        ErrorCode.RULE_NAME: _(
            "A rule's name is 1 to 80 characters. Send another one, or /cancel."
        ),
        ErrorCode.RULE_NUMBER: _("Send a whole number in the range asked, or /cancel."),
        ErrorCode.RULE_DAYS: _(
            "Send up to 5 whole numbers of days from 1 to 365, like 30, 7, 1; or /cancel."
        ),
        ErrorCode.RULE_TEXT: _(
            "Send a text of up to 1000 characters (a task's note: up to 200), or /cancel."
        ),
        ErrorCode.RULE_PLACEHOLDER: _(
            "The text names something I don't know in curly brackets. Fix it, or /cancel."
        ),
        ErrorCode.TOKEN_NAME: _(
            "A token name is 1 to 64 characters. Send another one, or /cancel."
        ),
        ErrorCode.WORKING_HOURS: _("Write working hours like 09:00-18:00."),
        ErrorCode.CLOCK: _("Write the time like 09:00."),
        ErrorCode.SLA: _("Write the response SLA as a number of minutes, like 15."),
        ErrorCode.MERGE_BOTH_TELEGRAM: _(
            "Both customers write to the bot from their own Telegram accounts, "
            "so they can't be merged."
        ),
        ErrorCode.MERGE_UNDONE: _("This merge has already been undone."),
        ErrorCode.MERGE_UNDO_EXPIRED: _(
            "More than 24 hours have passed since this merge, so it can no longer be undone."
        ),
        ErrorCode.MERGE_UNDO_BLOCKED: _(
            "This merge can't be undone: one of the two customers has been merged again since, "
            "or another customer now has the number. Nothing was changed."
        ),
        ErrorCode.RULES_FILE: _("The rules file has a mistake, so nothing was changed."),
        ErrorCode.PRODUCT_NAME: _(
            "A name is 1 to 128 characters; give it in every language like "
            "Laminate / Laminat / Ламинат, or one name for all. Send it again, or /cancel."
        ),
        ErrorCode.PRODUCT_CODE: _(
            "A code is up to 32 letters, digits, dots, dashes or slashes, like LAM-8; "
            "send - to clear it, or /cancel."
        ),
        ErrorCode.CODE_TAKEN: _("Another product has this code. Send another one, or /cancel."),
        ErrorCode.PRICE: _(
            "That doesn't look like a price. Send a number like 25 or 1,500.50; "
            "nothing was changed."
        ),
        ErrorCode.VAT_RATE: _(
            "Send the VAT rate in percent, like 18, or - for no VAT; or /cancel."
        ),
        ErrorCode.STOCK: _(
            "Send how much is in stock, like 120 or 12.5, or - if it isn't counted; or /cancel."
        ),
        ErrorCode.QUANTITY: _(
            "Send a quantity above zero with at most 3 decimal places, like 2 or 12.5; "
            "nothing was changed."
        ),
        ErrorCode.MEASURES: _(
            "I couldn't count with those measurements. Send one positive number for each "
            "measurement asked, separated by x, like 4.2 x 3.5; nothing was changed."
        ),
        ErrorCode.MEASURE_INPUTS: _(
            "Send up to 6 measurements, one a line, like Length / Uzunluq / Длина, m "
            "(the unit after a comma: metres if none is given); or /cancel."
        ),
        ErrorCode.FORMULA: _("The formula can't be saved. Send another one, or /cancel."),
        ErrorCode.CATALOG_FILE: _("The catalog file has mistakes, so nothing was changed."),
        ErrorCode.CUSTOMER_FILE: _("The customers file has mistakes, so nothing was changed."),
        ErrorCode.DISCOUNT: _(
            "Send a discount as a percent like 5%, or as an amount like 50, no more than "
            "what it is taken from; nothing was changed."
        ),
        ErrorCode.DISCOUNT_LIMIT: _("Send a percent from 0 to 100, like 10; or /cancel."),
        ErrorCode.AMOUNT_FROM_ITEMS: _(
            "This request's amount is the total of its items. Change the items or their "
            "discounts under 🛒 Items."
        ),
        ErrorCode.TOO_MANY_ITEMS: _(
            "A request holds at most 100 items, and a total below a trillion; nothing was changed."
        ),
        ErrorCode.MEASURES_NEEDED: _(
            "This product is now counted from measurements: choose it again to type them. "
            "Nothing was changed."
        ),
        ErrorCode.STEP_EXPIRED: _(
            "I no longer know what that answer was for, so nothing was changed. "
            "Please start again."
        ),
    }
