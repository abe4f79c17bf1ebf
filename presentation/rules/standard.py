"""The rules every business starts with, in /rules: a line each in the list, a card with
switching and changing, and the choices offered for a new value."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.lists import format_list

from presentation.callbacks import Number
from presentation.deals.card import Reader
from presentation.render import stage_name, when
from presentation.rules.callbacks import RulesAction, RulesCb
from presentation.rules.describe import days, minutes
from services.rules import standard as s

# The values offered on buttons; others may be typed.
PRESETS: dict[str, tuple[tuple[int, ...], ...]] = {
    s.ESCALATION: ((5,), (15,), (30,), (60,), (120,)),
    s.CALLBACK: ((30,), (60,), (120,), (240,), (1440,)),
    s.OVERDUE: ((240,), (1440,), (2880,), (4320,)),
    s.RENEWALS: ((30, 7, 1), (14, 3, 1), (60, 30, 7), (7, 1)),
    s.FEEDBACK: ((s.ON_WON,), (s.ON_CLOSED,)),
}
ICONS = {
    s.ESCALATION: "⏱",
    s.CALLBACK: "📞",
    s.RENEWALS: "📄",
    s.STAGE_NOTICES: "🔔",
    s.OVERDUE: "⏰",
    s.FEEDBACK: "⭐",
}


class StandardAction(StrEnum):
    OPEN = "o"
    SWITCH = "s"
    CHANGE = "c"
    PRESET = "p"


class StandardCb(CallbackData, prefix="sr"):
    """`rule` is the rule's place in services.rules.standard.KEYS, `preset` a value's in
    PRESETS."""

    action: StandardAction
    rule: Number
    version: Number = 0
    preset: Number = 0


def _button(
    text: str, action: StandardAction, rule: s.Standard, preset: int = 0
) -> InlineKeyboardButton:
    data = StandardCb(
        action=action, rule=s.KEYS.index(rule.key), version=rule.version, preset=preset
    )
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def value_text(rule: s.Standard, locale: str) -> str:
    if rule.key == s.RENEWALS:
        # Each number with its own word: "30 дней, 7 дней и 1 день" agrees in every language.
        return str(format_list([days(n) for n in rule.value], locale=locale))
    if rule.key == s.FEEDBACK:
        return _("won or lost") if rule.value == (s.ON_CLOSED,) else _("won")
    return minutes(rule.value[0]) if rule.value else ""


def title(key: str) -> str:
    titles = {
        s.ESCALATION: _("Requests not taken in time"),
        s.CALLBACK: _("Call-back after a missed call"),
        s.RENEWALS: _("Contract renewal reminders"),
        s.STAGE_NOTICES: _("Stage notices to customers"),
        s.OVERDUE: _("Overdue tasks to the owners"),
        s.FEEDBACK: _("Feedback from customers"),
    }
    return f"{ICONS[key]} {titles[key]}"


def _summary(rule: s.Standard, locale: str) -> str:
    value = value_text(rule, locale)
    if rule.key == s.ESCALATION:
        return _("Not taken in {time} → the next manager, then the owners").format(time=value)
    if rule.key == s.CALLBACK:
        return _("A missed call → a call-back task in {time}").format(time=value)
    if rule.key == s.RENEWALS:
        return _("A contract's end → reminders {days} before").format(days=value)
    if rule.key == s.OVERDUE:
        return _("A task overdue by {time} → the owners told").format(time=value)
    if rule.key == s.FEEDBACK:
        return _("A deal closes ({closing}) → the customer asked to rate it").format(closing=value)
    return _("A deal enters a 🔔 stage → the customer told")


def _mark(rule: s.Standard) -> str:
    return "✅" if rule.enabled else "⏸"


def list_lines(rules: list[s.Standard], reader: Reader) -> list[str]:
    if not rules:
        return []
    lines = ["", _("<b>Standard rules</b>")]
    lines += [f"{_mark(rule)} {ICONS[rule.key]} {_summary(rule, reader.locale)}" for rule in rules]
    return lines


def list_buttons(rules: list[s.Standard]) -> list[list[InlineKeyboardButton]]:
    return [
        [_button(f"{_mark(rule)} {title(rule.key)}", StandardAction.OPEN, rule)] for rule in rules
    ]


def _explained(rule: s.Standard, stages: list[dict[str, str]], locale: str) -> str:
    value = value_text(rule, locale)
    if rule.key == s.ESCALATION:
        return _(
            "When nobody takes or answers a request within {time} of working time, it goes to "
            "the next manager on duty; still waiting after twice that, to the owners. Each "
            "step is in the request's history and everyone concerned is told."
        ).format(time=value)
    if rule.key == s.CALLBACK:
        return _(
            "When a customer's call is missed, their manager gets a call-back task, due "
            "{time} after the call. More missed calls before it add to the same task."
        ).format(time=value)
    if rule.key == s.RENEWALS:
        return _(
            "A contract's manager (the owners, when nobody has it) is reminded at 10:00, "
            "{days} before the contract ends."
        ).format(days=value)
    if rule.key == s.OVERDUE:
        return _("When a task is overdue by {time}, the owners are told, once.").format(time=value)
    if rule.key == s.FEEDBACK:
        return _(
            "When a deal is closed ({closing}), its customer is asked in Telegram, in their "
            "language, to rate it from 1 to 5 and may add a comment; once per deal. A rating "
            "of 1 or 2 is told to the owners. Customers without Telegram are not asked."
        ).format(closing=value)
    marked = ", ".join(f"«{escape(stage_name(names, locale))}»" for names in stages)
    text = _(
        "When a deal enters a stage marked 🔔 in /pipeline, its customer is told, in their "
        "language."
    )
    now = _("Marked now: {stages}.").format(stages=marked) if marked else ""
    return text + " " + (now or _("No stage is marked now."))


def card_text(rule: s.Standard, stages: list[dict[str, str]], reader: Reader) -> str:
    lines = [f"<b>{title(rule.key)}</b>", _explained(rule, stages, reader.locale), ""]
    lines.append(_("✅ Switched on") if rule.enabled else _("⏸ Switched off"))
    if rule.last_run_at is None:
        fired = _("never fired")
    else:
        times = ngettext("fired {n} time", "fired {n} times", rule.fired).format(n=rule.fired)
        last = when(rule.last_run_at, reader.zone, reader.locale)
        fired = _("{fired}, last {when}").format(fired=times, when=last)
    lines.append(fired[:1].upper() + fired[1:])
    return "\n".join(lines)


def card_keyboard(rule: s.Standard, locale: str) -> InlineKeyboardMarkup:
    switch = _("⏸ Switch off") if rule.enabled else _("▶️ Switch on")
    rows = [[_button(switch, StandardAction.SWITCH, rule)]]
    if rule.key in PRESETS:
        change = _("✏️ Change: {value}").format(value=value_text(rule, locale))
        rows.append([_button(change, StandardAction.CHANGE, rule)])
    back = RulesCb(action=RulesAction.LIST).pack()
    rows.append([InlineKeyboardButton(text=_("⬅ Back"), callback_data=back)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def change_text(rule: s.Standard) -> str:
    if rule.key == s.ESCALATION:
        ask = _(
            "Choose how many working minutes a request may wait before it goes to the next "
            "manager, or type them (1 to 1440)"
        )
    elif rule.key == s.CALLBACK:
        ask = _(
            "Choose how long after a missed call the call-back is due, or type it in minutes "
            "(5 to 4320)"
        )
    elif rule.key == s.OVERDUE:
        ask = _(
            "Choose how long a task is overdue before the owners are told, or type it in hours "
            "(1 to 720)"
        )
    elif rule.key == s.FEEDBACK:
        ask = _("Choose which closed deals customers are asked about: 1 won, 2 won or lost")
    else:
        ask = _("Choose the days before a contract's end to remind on, or type them like 30, 7, 1")
    return f"<b>{title(rule.key)}</b>\n{ask} (/cancel)."


def change_keyboard(rule: s.Standard, locale: str) -> InlineKeyboardMarkup:
    choices = [
        _button(value_text(replace(rule, value=value), locale), StandardAction.PRESET, rule, index)
        for index, value in enumerate(PRESETS[rule.key])
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append([_button(_("⬅ Back"), StandardAction.OPEN, rule)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
