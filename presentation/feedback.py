"""Feedback in the customer's chat (the ask, the stars, the comment) and what staff see of it:
the card's line and the owners' alert."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from presentation.callbacks import Number
from services.feedback_views import RATINGS

# The most of a comment the deal card shows, as much as of the request's own words.
CARD_COMMENT = 200


class RateCb(CallbackData, prefix="fb"):
    deal_id: Number
    rating: Number


class After(StrEnum):
    """What the customer does after rating: write a comment, or not."""

    COMMENT = "c"
    SKIP = "s"


class AfterCb(CallbackData, prefix="fs"):
    action: After
    deal_id: Number


def stars(rating: int) -> str:
    return f"⭐ {rating}"


def ask_text(deal_id: int) -> str:
    return _("How did we do with your request #{number}? Please rate it from 1 to 5.").format(
        number=deal_id
    )


def ask_keyboard(deal_id: int) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            text=stars(rating), callback_data=RateCb(deal_id=deal_id, rating=rating).pack()
        )
        for rating in RATINGS
    ]
    return InlineKeyboardMarkup(inline_keyboard=[row])


def rated_text(deal_id: int, rating: int) -> str:
    return "\n".join(
        [
            _("Thank you! You rated request #{number}: {stars}.").format(
                number=deal_id, stars=stars(rating)
            ),
            _("Would you like to add a comment? Tap 💬 Comment."),
        ]
    )


def after_keyboard(deal_id: int) -> InlineKeyboardMarkup:
    comment = InlineKeyboardButton(
        text=_("💬 Comment"), callback_data=AfterCb(action=After.COMMENT, deal_id=deal_id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[comment, skip_button(deal_id)]])


def skip_button(deal_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("Skip"), callback_data=AfterCb(action=After.SKIP, deal_id=deal_id).pack()
    )


def comment_prompt() -> str:
    return _("Write your comment in one message, or tap Skip (/skip).")


def busy_text() -> str:
    return _("Finish your request first (or /cancel it), then add the comment.")


def already_text(deal_id: int, rating: int) -> str:
    return _("You have already rated request #{number}: {stars}.").format(
        number=deal_id, stars=stars(rating)
    )


def thanks_text() -> str:
    return _("Thank you for your feedback!")


def too_long_text(most: int, locale: str) -> str:
    return _(
        "The comment is longer than {most} characters. Please shorten it and send it again, "
        "or /skip."
    ).format(most=format_decimal(most, locale=locale))


def comment_only_text() -> str:
    return _("Please write your comment as text, or /skip.")


def rating_line(rating: int, comment: str | None) -> str:
    """On the deal card: ⭐ 4 · «Fast and polite»; a long comment is cut there (the history has
    it whole) so the card stays within a message."""
    if not comment:
        return stars(rating)
    if len(comment) > CARD_COMMENT:
        comment = comment[:CARD_COMMENT].rstrip() + "…"
    return f"{stars(rating)} · «{escape(comment)}»"


def low_alert_text(deal_id: int, rating: int, customer: str, manager: str | None) -> str:
    if manager is None:
        return _("⚠️ Low rating for request #{number}: {stars} from {customer}.").format(
            number=deal_id, stars=stars(rating), customer=escape(customer)
        )
    return _(
        "⚠️ Low rating for request #{number}: {stars} from {customer} (manager {manager})."
    ).format(
        number=deal_id, stars=stars(rating), customer=escape(customer), manager=escape(manager)
    )


def low_comment_text(deal_id: int, rating: int, comment: str) -> str:
    return _("💬 The customer's comment on request #{number} ({stars}): «{comment}»").format(
        number=deal_id, stars=stars(rating), comment=escape(comment)
    )
