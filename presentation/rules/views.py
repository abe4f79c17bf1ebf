"""/rules: the list of the business's rules, a rule's card, deleting one, and what it would have
done in the past."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.deals.card import Reader
from presentation.render import when
from presentation.rules.callbacks import RulesAction, RulesCb
from presentation.rules.describe import action_text, days, failure_text, rule_text, strategy_name
from services.rules.manage import Lookup, RuleView
from services.rules.model import WEBHOOK, Action
from services.rules.past import DAYS, Match

PAGE_SIZE = 8
SHOWN_MATCHES = 10


def button(
    text: str, action: RulesAction, rule_id: int = 0, version: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    data = RulesCb(action=action, rule_id=rule_id, version=version, arg=arg)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _mark(rule: RuleView) -> str:
    return "✅" if rule.enabled else "⏸"


def pages(rules: list[RuleView]) -> int:
    return max(1, -(-len(rules) // PAGE_SIZE))


def _fired(rule: RuleView, reader: Reader) -> str:
    if rule.last_run_at is None:
        return _("never fired")
    fired = ngettext("fired {n} time", "fired {n} times", rule.fired).format(n=rule.fired)
    last = when(rule.last_run_at, reader.zone, reader.locale)
    return _("{fired}, last {when}").format(fired=fired, when=last)


def _stopped(rule: RuleView) -> str | None:
    if rule.enabled or not rule.last_error:
        return None
    return _("switched off by itself: {why}").format(why=failure_text(rule.last_error))


def list_text(
    rules: list[RuleView], page: int, reader: Reader, strategy: str, standard: list[str]
) -> str:
    """The rules, after those every business has: who gets a request and the standard ones."""
    title = _("<b>Rules</b>")
    if pages(rules) > 1:
        title += " " + _("(page {page} of {pages})").format(page=page + 1, pages=pages(rules))
    lines = [
        title,
        _("👥 Who gets a request: {strategy} (change it in /assignment)").format(
            strategy=strategy_name(strategy)
        ),
        *standard,
        "",
        _("<b>Your rules</b>"),
    ]
    if not rules:
        lines.append(_("No rules yet. Make one from a ready template or from scratch."))
    for rule in rules[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        lines.append(f"{_mark(rule)} {escape(rule.name)} · {_fired(rule, reader)}")
        stopped = _stopped(rule)
        if stopped:
            lines.append(f"    ⚠️ {stopped}")
    if rules:
        lines.append("")
        lines.append(_("✅ on · ⏸ off. Tap a rule to see it, switch it or try it on the past."))
    return "\n".join(lines)


def list_keyboard(
    rules: list[RuleView], page: int, standard: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup:
    rows = standard + [
        [button(f"{_mark(rule)} {rule.name}", RulesAction.OPEN, rule.rule_id, rule.version)]
        for rule in rules[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    arrows = []
    if page > 0:
        arrows.append(button(_("‹ Back"), RulesAction.LIST, arg=page - 1))
    if page + 1 < pages(rules):
        arrows.append(button(_("More ›"), RulesAction.LIST, arg=page + 1))
    if arrows:
        rows.append(arrows)
    rows.append(
        [
            button(_("➕ From a template"), RulesAction.TEMPLATES),
            button(_("✏️ From scratch"), RulesAction.BUILD),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card_text(rule: RuleView, lookup: Lookup, reader: Reader) -> str:
    lines = [rule_text(rule.spec, lookup, reader.locale, reader.currency), ""]
    stopped = _stopped(rule)
    if stopped:
        lines.append(f"⏸ {stopped[:1].upper()}{stopped[1:]}")
    else:
        lines.append(_("✅ Switched on") if rule.enabled else _("⏸ Switched off"))
    fired = _fired(rule, reader)
    lines.append(fired[:1].upper() + fired[1:])
    lines += [
        _("🔑 Webhook {n} is signed with the key <code>{key}</code>").format(
            n=index, key=escape(action.get("secret", ""))
        )
        for index, action in enumerate(rule.spec.actions, 1)
        if action.kind == WEBHOOK
    ]
    return "\n".join(lines)


def card_keyboard(rule: RuleView) -> InlineKeyboardMarkup:
    rid, version = rule.rule_id, rule.version
    switch = _("⏸ Switch off") if rule.enabled else _("▶️ Switch on")
    rows = [
        [button(switch, RulesAction.SWITCH, rid, version)],
        [button(_("🧪 Try on the past"), RulesAction.TRY, rid, version)],
        [button(_("🗑 Delete"), RulesAction.DELETE, rid, version)],
        [button(_("⬅ Back"), RulesAction.LIST)],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def delete_text(rule: RuleView) -> str:
    return _(
        "Delete the rule «{name}»? What it has already done stays in the requests' history."
    ).format(name=escape(rule.name))


def delete_keyboard(rule: RuleView) -> InlineKeyboardMarkup:
    rid, version = rule.rule_id, rule.version
    rows = [
        [button(_("🗑 Yes, delete it"), RulesAction.CONFIRM_DELETE, rid, version)],
        [button(_("⬅ No, keep it"), RulesAction.OPEN, rid, version)],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def past_text(
    name: str, actions: tuple[Action, ...], found: list[Match], lookup: Lookup, reader: Reader
) -> str:
    lines = [
        _("<b>🧪 {name}: the last {time}</b>").format(name=escape(name), time=days(DAYS)),
        _("Judged by the requests as they are now; nothing was changed."),
        "",
    ]
    if not found:
        lines.append(_("It would not have acted on any request."))
        return "\n".join(lines)
    requests = len({match.deal_id for match in found})
    lines.append(
        ngettext(
            "It would have acted {n} time, on {requests}.",
            "It would have acted {n} times, on {requests}.",
            len(found),
        ).format(
            n=len(found),
            requests=ngettext("{n} request", "{n} requests", requests).format(n=requests),
        )
    )
    lines.append(_("Each time it would:"))
    lines += [
        f"{index}. {action_text(action, lookup, reader.locale, reader.currency)}"
        for index, action in enumerate(actions, 1)
    ]
    lines.append("")
    lines += [
        _("#{number} · {time}").format(
            number=match.deal_id, time=when(match.at, reader.zone, reader.locale)
        )
        for match in found[:SHOWN_MATCHES]
    ]
    if len(found) > SHOWN_MATCHES:
        more = len(found) - SHOWN_MATCHES
        lines.append(ngettext("…and {n} more time.", "…and {n} more times.", more).format(n=more))
    return "\n".join(lines)


def back_to_rule(rule: RuleView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(_("⬅ Back"), RulesAction.OPEN, rule.rule_id, rule.version)]]
    )
