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
    }
    return texts.get(error.code, _("Something went wrong. Please try again."))
