"""/assignment: the ways a new request can find its manager, the one chosen, and the owners'
notice when a request came to an owner instead."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.reports.format import money
from services.assignment import (
    AT_CAPACITY,
    BY_LANGUAGE,
    BY_LEVEL,
    BY_TAG,
    CLOSED,
    FEWEST_OPEN,
    NOT_TAKEN,
    OFF_HOURS,
    ROUND_ROBIN,
    STRATEGIES,
    Rule,
)


class AssignmentAction(StrEnum):
    CHOOSE = "c"
    THRESHOLD = "a"
    TAG = "t"


class AssignmentCb(CallbackData, prefix="as"):
    action: AssignmentAction
    strategy: str = ""


def strategy_name(strategy: str) -> str:
    return {
        ROUND_ROBIN: _("In turn"),
        FEWEST_OPEN: _("Fewest open requests"),
        BY_LEVEL: _("By level"),
        BY_LANGUAGE: _("By the customer's language"),
        BY_TAG: _("By tag"),
    }[strategy]


def _explanation(strategy: str) -> str:
    return {
        ROUND_ROBIN: _("each manager on duty in turn, the one waiting longest first."),
        FEWEST_OPEN: _(
            "the manager with the fewest open requests; a tie goes to the one waiting longest."
        ),
        BY_LEVEL: _(
            "requests with an amount from the threshold go to the highest level on duty; "
            "the others in turn."
        ),
        BY_LANGUAGE: _(
            "managers who speak the customer's language first, in turn; else anyone in turn."
        ),
        BY_TAG: _(
            "managers with a tag naming the request's source (telegram, web, phone) or the "
            "chosen tag first, in turn; else anyone in turn."
        ),
    }[strategy]


def rule_text(rule: Rule, locale: str, currency: str) -> str:
    lines = [
        _("<b>Who gets a new request</b>"),
        _("Now: {name}").format(name=strategy_name(rule.strategy)),
        "",
    ]
    for strategy in STRATEGIES:
        mark = "✅" if strategy == rule.strategy else "▫️"
        lines.append(f"{mark} <b>{strategy_name(strategy)}</b>: {_explanation(strategy)}")
    lines.append("")
    threshold = (
        _("not set") if rule.level_from is None else money(rule.level_from, currency, locale)
    )
    lines.append(_("Amount threshold for the highest level: {amount}").format(amount=threshold))
    lines.append(_("Chosen tag: {tag}").format(tag=escape(rule.tag or _("none"))))
    lines.append(
        _(
            "Only active managers on duty within working hours (/settings) and below their "
            "capacity (/team) get requests; when nobody can, the owner does and is told why."
        )
    )
    return "\n".join(lines)


def rule_keyboard(rule: Rule) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if strategy == rule.strategy else "") + strategy_name(strategy),
                callback_data=AssignmentCb(
                    action=AssignmentAction.CHOOSE, strategy=strategy
                ).pack(),
            )
        ]
        for strategy in STRATEGIES
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("💰 Amount threshold"),
                callback_data=AssignmentCb(action=AssignmentAction.THRESHOLD).pack(),
            ),
            InlineKeyboardButton(
                text=_("🏷 Tag"), callback_data=AssignmentCb(action=AssignmentAction.TAG).pack()
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def fallback_text(deal_id: int, reason: str, owner: str) -> str:
    if reason == CLOSED:
        why = _("it arrived outside working hours.")
    elif reason == AT_CAPACITY:
        why = _("every manager on duty has as many open requests as their capacity allows.")
    elif reason == NOT_TAKEN:
        why = _("nobody took it in time.")
    elif reason == OFF_HOURS:
        why = _("no manager on duty is within their working hours.")
    else:
        why = _("no manager is on duty.")
    return _("⚠️ Request #{number} went to {name}: {reason}").format(
        number=deal_id, name=escape(owner), reason=why
    )
