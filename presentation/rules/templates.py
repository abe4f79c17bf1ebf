"""Making a rule from a ready template: the templates, each question in the owner's words with
its choices on buttons, suggested texts in every language, and the rule to confirm."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from presentation.callbacks import Number
from presentation.render import source_name, stage_name
from presentation.rules.callbacks import RulesAction
from presentation.rules.views import button
from services.access import SUPPORTED_LOCALES
from services.rules import templates as t
from services.stages import StageView


class TemplateAction(StrEnum):
    PICK = "p"
    SUGGESTED = "g"
    SUMMARY = "m"
    TRY = "t"
    SAVE = "v"
    CANCEL = "c"


class TemplateCb(CallbackData, prefix="rq"):
    """`step` is the question answered (a press on an earlier one is stale); `arg` a choice."""

    action: TemplateAction
    step: Number = 0
    arg: Number = 0


def _button(
    text: str, action: TemplateAction, step: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    data = TemplateCb(action=action, step=step, arg=arg)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def template_names() -> dict[str, str]:
    return {
        "big_to_senior": _("Big requests to a senior manager"),
        "not_taken_next": _("Not taken in time → the next manager"),
        "not_taken_owners": _("Not taken in time → the owners"),
        "phone_callback": _("Call back after a request by phone"),
        "stage_notice": _("Tell the customer on entering a stage"),
        "idle_task": _("Quiet for days → a task for the manager"),
        "contract_reminder": _("Remind before the contract ends"),
        "won_repeat": _("Ask again every few months after a win"),
        "overdue_owners": _("Overdue task → tell the owners"),
        "tag_source": _("Tag requests from a source"),
    }


def templates_text() -> str:
    return _("<b>Ready rules</b>\nPick one; I will ask what it needs and show it before saving.")


def templates_keyboard() -> InlineKeyboardMarkup:
    names = template_names()
    rows = [
        [button(names[template.key], RulesAction.TEMPLATE, arg=index)]
        for index, template in enumerate(t.TEMPLATES)
    ]
    rows.append([button(_("⬅ Back"), RulesAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _prompts() -> dict[tuple[str, str], str]:
    return {
        ("big_to_senior", "amount"): _(
            "From which amount does a request go to the most senior manager on duty?"
        ),
        ("not_taken_next", "minutes"): _(
            "How many working minutes may a request wait before it goes to the next manager?"
        ),
        ("not_taken_owners", "minutes"): _(
            "How many working minutes may a request wait before it goes to the owners?"
        ),
        ("not_taken_owners", "text"): _("What should the owners be told?"),
        ("phone_callback", "hours"): _(
            "In how many hours after a request by phone should the manager call back?"
        ),
        ("phone_callback", "note"): _("What should the task say?"),
        ("stage_notice", "stage"): _("Which stage?"),
        ("stage_notice", "text"): _("What should the customer be told?"),
        ("idle_task", "days"): _("After how many quiet days?"),
        ("idle_task", "note"): _("What should the task say?"),
        ("contract_reminder", "days"): _("How many days before the contract ends?"),
        ("contract_reminder", "note"): _("What should the task say?"),
        ("won_repeat", "months"): _("Every how many months after a win?"),
        ("won_repeat", "text"): _("What should the customer be asked?"),
        ("overdue_owners", "text"): _("What should the owners be told?"),
        ("tag_source", "source"): _("Requests from which source?"),
        ("tag_source", "tag"): _("Which tag? One word, like vip."),
    }


def _suggestions() -> dict[tuple[str, str], str]:
    return {
        ("not_taken_owners", "text"): _(
            "Request #{number} from {customer} was not taken in time; it is with you now."
        ),
        ("phone_callback", "note"): _("Call the customer back"),
        ("stage_notice", "text"): _(
            "Your request #{number} has moved on. We will keep you posted."
        ),
        ("idle_task", "note"): _("Nothing has happened for a while: check on the customer"),
        ("contract_reminder", "note"): _("The contract ends soon: offer a renewal"),
        ("won_repeat", "text"): _(
            "Hello, {customer}! How is everything with your order #{number}? "
            "Is there anything else we can do for you?"
        ),
        ("overdue_owners", "text"): _("A task on request #{number} ({manager}) is overdue."),
    }


def suggested(template: t.Template, question: t.Question, locale: str) -> str | dict[str, str]:
    """The suggested answer: a text in every language, a note in the owner's."""
    i18n = get_i18n()
    if question.kind == t.NOTE:
        with i18n.use_locale(locale):
            return _suggestions()[(template.key, question.key)]
    texts = {}
    for code in SUPPORTED_LOCALES:
        with i18n.use_locale(code):
            texts[code] = _suggestions()[(template.key, question.key)]
    return texts


def _hint(question: t.Question, locale: str) -> str:
    if question.kind in t.WHOLE:
        return _("Send a whole number from {low} to {high}.").format(
            low=question.low, high=question.high
        )
    if question.kind == t.AMOUNT:
        example = format_decimal(Decimal(5000), locale=locale)
        return _("Send the amount, like {example}.").format(example=example)
    if question.kind == t.TEXT:
        return _(
            "Send the text, or tap the suggested one. These words are replaced: "
            "{customer}, {number}, {amount}, {manager}, {field.key}."
        )
    if question.kind == t.NOTE:
        return _("Send the note, or tap the suggested one.")
    if question.kind == t.TAG:
        return _("Send it as text.")
    return _("Tap one.")


def question_text(template: t.Template, step: int, locale: str) -> str:
    question = template.questions[step]
    lines = [
        f"<b>{escape(template_names()[template.key])}</b>",
        _("Question {step} of {total}").format(step=step + 1, total=len(template.questions)),
        "",
        _prompts()[(template.key, question.key)],
        _hint(question, locale),
    ]
    if question.kind in (t.TEXT, t.NOTE):
        sample = suggested(template, question, locale)
        shown = sample if isinstance(sample, str) else sample[locale]
        lines.append(_("Suggested: «{text}»").format(text=escape(shown)))
    lines.append(_("/cancel to stop."))
    return "\n".join(lines)


def question_keyboard(
    template: t.Template, step: int, stages: list[StageView], locale: str
) -> InlineKeyboardMarkup:
    question = template.questions[step]
    rows = []
    if question.kind == t.STAGE:
        rows = [
            [_button(stage_name(stage.names, locale), TemplateAction.PICK, step, stage.id)]
            for stage in stages
        ]
    elif question.kind == t.SOURCE:
        rows = [
            [_button(source_name(source), TemplateAction.PICK, step, index)]
            for index, source in enumerate(t.SOURCES)
        ]
    elif question.kind in (t.TEXT, t.NOTE):
        rows = [[_button(_("Use the suggested one"), TemplateAction.SUGGESTED, step)]]
    rows.append([_button(_("✖ Cancel"), TemplateAction.CANCEL)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_text(described: str) -> str:
    return "\n".join([described, "", _("Save this rule? It is switched on at once.")])


def confirm_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [_button(_("✅ Save"), TemplateAction.SAVE)],
        [_button(_("🧪 Try on the past"), TemplateAction.TRY)],
        [_button(_("✖ Cancel"), TemplateAction.CANCEL)],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def back_to_confirm() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(_("⬅ Back"), TemplateAction.SUMMARY)]])


def whole_error(low: int, high: int) -> str:
    return _(
        "That isn't a whole number from {low} to {high}. Send another one, or /cancel."
    ).format(low=low, high=high)


def placeholder_error(names: list[str]) -> str:
    shown = ", ".join("{" + escape(name) + "}" for name in names)
    return _(
        "The text names something I don't know: {names}. Fix it and send it again, or /cancel."
    ).format(names=shown)
