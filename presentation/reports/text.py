"""A report as the owner reads it: a short summary (the photo's caption) and the detail."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.render import source_name, stage_name
from presentation.reports.format import (
    duration,
    money,
    number,
    percent,
    period_title,
    rating,
    reason,
    signed,
)
from presentation.reports.sold_text import section as sold_section
from services.reports.report import Report

# Keeps the detail well within a message (4096) however large the team.
PEOPLE_SHOWN = 15


def summary(report: Report, currency: str, locale: str) -> str:
    speed, outcomes = report.speed, report.outcomes
    lines = [
        _("📊 <b>Report for {period}</b>").format(period=period_title(report.period, locale)),
        _("📥 New requests: {n} ({change})").format(
            n=number(report.new, locale), change=signed(report.new - report.new_before, locale)
        ),
        _("🎯 Won: {n} · {amount}").format(
            n=number(outcomes.won, locale), amount=money(outcomes.won_amount, currency, locale)
        ),
        _("✖️ Lost: {n}").format(n=number(outcomes.lost, locale)),
        _("💳 Received: {received} · owed on won deals: {owed}").format(
            received=money(report.money.received, currency, locale),
            owed=money(report.money.owed, currency, locale),
        ),
    ]
    if speed.median is not None and speed.p90 is not None:
        lines.append(
            _("⏱ First response: median {median}, 90% within {p90}").format(
                median=duration(speed.median, locale), p90=duration(speed.p90, locale)
            )
        )
    lines.append(
        _("⚠️ Waited longer than {sla}: {n}").format(
            sla=duration(report.sla.length.total_seconds(), locale),
            n=number(speed.breaches, locale),
        )
    )
    if report.rated is not None:
        rated = ngettext(
            "⭐ Customers' ratings: {average} from {n} rating",
            "⭐ Customers' ratings: {average} from {n} ratings",
            report.rated.count,
        )
        lines.append(
            rated.format(
                average=rating(report.rated.average, locale),
                n=number(report.rated.count, locale),
            )
        )
    lines.append(
        _(
            "🔔 Overdue tasks: {tasks} · quiet for 3 days: {deals} · contracts ending: {contracts}"
        ).format(
            tasks=number(report.overdue_tasks, locale),
            deals=number(report.stale_deals, locale),
            contracts=number(report.contracts_ending, locale),
        )
    )
    return "\n".join(lines)


def detail(report: Report, currency: str, locale: str) -> str:
    blocks = [
        _new(report, locale),
        _funnel(report, locale),
        _outcomes(report, currency, locale),
        _speed(report, locale),
        _people(report, currency, locale),
        _attention(report, locale),
        sold_section(report.sold, locale),
    ]
    return "\n\n".join(block for block in blocks if block)


def _new(report: Report, locale: str) -> str:
    lines = [
        _("<b>📥 New requests: {n}</b> ({change} against {before} the period before)").format(
            n=number(report.new, locale),
            change=signed(report.new - report.new_before, locale),
            before=number(report.new_before, locale),
        )
    ]
    for line in report.sources:
        lines.append(
            f"• {escape(source_name(line.source))}: {number(line.count, locale)} "
            f"({signed(line.count - line.before, locale)})"
        )
    return "\n".join(lines)


def _funnel(report: Report, locale: str) -> str:
    lines = [_("<b>🔻 Funnel</b> (requests of this period, by the furthest stage reached)")]
    for step in report.funnel:
        line = f"• {escape(stage_name(step.names, locale))}: {number(step.reached, locale)}"
        if step.conversion is not None:
            line += f" · {percent(step.conversion, locale)}"
        lines.append(line)
    return "\n".join(lines)


def _outcomes(report: Report, currency: str, locale: str) -> str:
    outcomes = report.outcomes
    lines = [
        _("<b>🏁 Won and lost</b>"),
        _("• Won: {n} · {amount}").format(
            n=number(outcomes.won, locale), amount=money(outcomes.won_amount, currency, locale)
        ),
        _("• Lost: {n}").format(n=number(outcomes.lost, locale)),
    ]
    if outcomes.reasons:
        top = ", ".join(
            f"{escape(reason(code))}: {number(n, locale)}" for code, n in outcomes.reasons
        )
        lines.append(_("• Top reasons: {reasons}").format(reasons=top))
    return "\n".join(lines)


def _speed(report: Report, locale: str) -> str:
    speed = report.speed
    lines = [
        _("<b>⏱ Speed</b>"),
        _("• Answered: {answered} of {requests}").format(
            answered=number(speed.answered, locale), requests=number(speed.requests, locale)
        ),
    ]
    if speed.median is not None and speed.p90 is not None:
        lines.append(
            _("• First response: median {median}, 90th percentile {p90}").format(
                median=duration(speed.median, locale), p90=duration(speed.p90, locale)
            )
        )
    lines.append(
        _("• Waited longer than {sla} of working hours: {n}").format(
            sla=duration(report.sla.length.total_seconds(), locale),
            n=number(speed.breaches, locale),
        )
    )
    return "\n".join(lines)


def _people(report: Report, currency: str, locale: str) -> str:
    people = report.people
    lines = [_("<b>👥 People</b>")]
    for person in people[:PEOPLE_SHOWN]:
        parts = [
            ngettext("{n} open", "{n} open", person.open_deals).format(
                n=number(person.open_deals, locale)
            ),
            _("won {n} · {amount}").format(
                n=number(person.won, locale), amount=money(person.won_amount, currency, locale)
            ),
        ]
        if person.median is not None:
            parts.append(_("median response {time}").format(time=duration(person.median, locale)))
        if person.overdue_tasks:
            overdue = ngettext("{n} overdue task", "{n} overdue tasks", person.overdue_tasks)
            parts.append(overdue.format(n=number(person.overdue_tasks, locale)))
        if person.rated is not None:
            rated = ngettext(
                "⭐ {average} from {n} rating", "⭐ {average} from {n} ratings", person.rated.count
            )
            parts.append(
                rated.format(
                    average=rating(person.rated.average, locale),
                    n=number(person.rated.count, locale),
                )
            )
        lines.append(f"• {escape(person.name)}: {' · '.join(parts)}")
    if len(people) > PEOPLE_SHOWN:
        hidden = len(people) - PEOPLE_SHOWN
        lines.append(ngettext("…and {n} more", "…and {n} more", hidden).format(n=hidden))
    if not people:
        lines.append(_("• Nobody on the team yet."))
    if report.owners_overdue:
        overdue = ngettext("{n} overdue task", "{n} overdue tasks", report.owners_overdue)
        owners = overdue.format(n=number(report.owners_overdue, locale))
        lines.append(_("• 👑 Owners: {tasks}").format(tasks=owners))
    return "\n".join(lines)


def _attention(report: Report, locale: str) -> str:
    return "\n".join(
        [
            _("<b>🔔 Attention</b>"),
            _("• Overdue tasks: {n}").format(n=number(report.overdue_tasks, locale)),
            _("• No activity for 3 days: {n}").format(n=number(report.stale_deals, locale)),
            _("• Contracts ending within 14 days: {n}").format(
                n=number(report.contracts_ending, locale)
            ),
        ]
    )
