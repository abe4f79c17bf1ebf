"""Domain errors in the reader's words."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from services.errors import DomainError


def error_text(error: DomainError) -> str:
    texts = {
        "access_denied": _("Sorry, you can't do that."),
        "not_found": _("Not found: it may have been removed."),
        "already_taken": _("Someone else has already taken this request."),
        "no_telegram": _("This customer has no Telegram chat with the bot; call them instead."),
        "invite": _("This invite link is invalid, used or expired. Ask the owner for a new one."),
        "already_owner": _("You are an owner already; invites are for managers."),
        "already_manager": _("You are already a manager here."),
        "phone": _(
            "That doesn't look like a phone number. "
            "Send it like +994 50 123 45 67, share your contact, or tap Skip."
        ),
        "empty_request": _("Please describe what you need: text, a photo or a document."),
        "empty_reply": _("Send text, a photo or a document to reply."),
        "language": _("Choose one of the offered languages."),
        "amount": _(
            "That doesn't look like an amount. Send a number like 1500 or 1,500.50; "
            "nothing was changed."
        ),
        "negative_amount": _("The amount can't be negative; nothing was changed."),
        "empty_text": _("Please write a few words, or /cancel."),
        "deal_closed": _("This request is closed. The owner can reopen it."),
        "not_closed": _("This request is open already."),
        "same_stage": _("The request is at this stage already."),
        "same_manager": _("This request is with that person already."),
        "lost_reason": _("Choose one of the offered reasons."),
        "stage_name": _("A stage name is 1 to 64 characters. Send another one, or /cancel."),
        "stage_fixed": _("Won and Lost stay; only the stages before them can move or be deleted."),
        "stale_card": _(
            "This card was out of date, so nothing was changed. Here is the request as it is now."
        ),
        "moment": _(
            "I couldn't read that date and time. Write it like 25.12 15:00, 2026-12-25 15:00, "
            "15:00 or tomorrow 10:00, or /cancel."
        ),
        "moment_past": _("That moment has passed already. Send a later one, or /cancel."),
        "task_done": _("This task is done already."),
        "contract_text": _(
            "Send the number, then the start and end dates, like A-17 01.01.2026 31.12.2026, "
            "or /cancel."
        ),
        "contract_date": _(
            "I couldn't read a date there. Write dates like 31.12.2026 or 2026-12-31, or /cancel."
        ),
        "contract_number": _(
            "A contract number is 1 to 64 characters. Send it again, or /cancel."
        ),
        "contract_dates": _("The contract can't end before it starts. Send it again, or /cancel."),
        "contract_settled": _("This contract is already renewed or closed."),
        "token_name": _("A token name is 1 to 64 characters. Send another one, or /cancel."),
    }
    return texts.get(error.code, _("Something went wrong. Please try again."))
