"""Quick replies: /replies (the team's and one's own, adding and removing them) and the buttons
Reply offers before the free text."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.callbacks import Number
from presentation.errors import PLACEHOLDERS
from presentation.keyboards import LANGUAGES
from services.access import SUPPORTED_LOCALES
from services.quick_replies import TITLE_LENGTH, Saved

# A reply's text as far as the list shows it: two languages' worth of a language's replies
# (PER_LANGUAGE each) fit one message.
SHOWN = 50


class QuickAction(StrEnum):
    SHOW = "s"
    ADD = "a"
    LANGUAGE = "l"
    REMOVE = "x"


class QuickCb(CallbackData, prefix="qr"):
    """`team`: the team's replies, else one's own; `arg` a language's index (SHOW, LANGUAGE)
    or a reply (REMOVE)."""

    action: QuickAction
    team: bool = False
    arg: Number = 0


class QuickUseCb(CallbackData, prefix="qa"):
    """A quick reply pressed under the Reply prompt of a request."""

    deal_id: Number
    reply_id: Number


def _entry(reply: Saved) -> str:
    text = reply.text if len(reply.text) <= SHOWN else reply.text[: SHOWN - 1] + "…"
    return f"{reply.language.upper()} · <b>{escape(reply.title)}</b>: {escape(text)}"


def replies_text(replies: list[Saved], language: str) -> str:
    """The replies of one language: the team's, then the reader's own."""
    team = [_entry(r) for r in replies if r.team] or [_("None yet.")]
    own = [_entry(r) for r in replies if not r.team] or [_("None yet.")]
    return "\n".join(
        [
            _("<b>Quick replies</b>") + f" · {LANGUAGES[language]}",
            _(
                "Reply on a request offers those in the customer's language. {name}, "
                "{number} and {amount} are filled in when one is sent."
            ).format(**PLACEHOLDERS),
            "",
            _("<b>The team's</b>"),
            *team,
            "",
            _("<b>Yours</b>"),
            *own,
        ]
    )


def replies_keyboard(replies: list[Saved], is_owner: bool, language: str) -> InlineKeyboardMarkup:
    languages = [
        InlineKeyboardButton(
            text=f"• {LANGUAGES[code]}" if code == language else LANGUAGES[code],
            callback_data=QuickCb(action=QuickAction.SHOW, arg=index).pack(),
        )
        for index, code in enumerate(SUPPORTED_LOCALES)
    ]
    rows = [
        [
            InlineKeyboardButton(
                text=f"🗑 {reply.language.upper()} · {reply.title}",
                callback_data=QuickCb(action=QuickAction.REMOVE, arg=reply.reply_id).pack(),
            )
        ]
        for reply in replies
        if is_owner or not reply.team
    ]
    if is_owner:
        team = QuickCb(action=QuickAction.ADD, team=True).pack()
        rows.append([InlineKeyboardButton(text=_("➕ A reply for the team"), callback_data=team)])
    own = QuickCb(action=QuickAction.ADD).pack()
    rows.append([InlineKeyboardButton(text=_("➕ A reply of my own"), callback_data=own)])
    return InlineKeyboardMarkup(inline_keyboard=[languages, *rows])


def language_prompt() -> str:
    return _("In which language is the reply? It is offered to customers who speak it.")


def language_keyboard(team: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=LANGUAGES[code],
                    callback_data=QuickCb(
                        action=QuickAction.LANGUAGE, team=team, arg=index
                    ).pack(),
                )
            ]
            for index, code in enumerate(SUPPORTED_LOCALES)
        ]
    )


def title_prompt(language: str) -> str:
    return _(
        "A title for the reply in {language}, up to {n} characters: it goes on its button. "
        "/cancel to stop."
    ).format(language=LANGUAGES[language], n=TITLE_LENGTH)


def text_prompt() -> str:
    return _(
        "Now the text the customer gets. {name} (the customer's name), {number} (the "
        "request's number) and {amount} (its amount) are filled in when it is sent. "
        "/cancel to stop."
    ).format(**PLACEHOLDERS)


def saved_text(reply: Saved) -> str:
    return _("✅ Saved: {reply}").format(reply=_entry(reply))


def removed_text() -> str:
    return _("Removed.")


def reply_prompt(deal_id: int, offered: list[Saved]) -> str:
    if offered:
        return _(
            "Write your reply to request #{number}: text, a photo or a document, or choose a "
            "quick reply. /cancel to stop."
        ).format(number=deal_id)
    return _(
        "Write your reply to request #{number}: text, a photo or a document. /cancel to stop."
    ).format(number=deal_id)


def offered_keyboard(deal_id: int, offered: list[Saved]) -> InlineKeyboardMarkup | None:
    if not offered:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=f"💬 {reply.title}",
                    callback_data=QuickUseCb(deal_id=deal_id, reply_id=reply.reply_id).pack(),
                )
            ]
            for reply in offered
        ]
    )


def sent_text(deal_id: int) -> str:
    return _("Sent to the customer of request #{number}.").format(number=deal_id)
