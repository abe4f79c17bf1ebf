"""The list behind a report section's button, one line per deal."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_skeleton

from presentation.render import source_name, stage_name, when
from presentation.reports.format import duration, money, period_title, reason
from services.reports.attention import ContractLine, TaskLine
from services.reports.lists import Item, Section, SectionList
from services.reports.queries import OTHER

NOTE_SHOWN = 60


def title(listed: SectionList, locale: str) -> str:
    period = period_title(listed.period, locale)
    titles = {
        Section.NEW: _("<b>📥 New requests, {period}</b>"),
        Section.FUNNEL: _("<b>🔻 Requests of {period} by stage</b>"),
        Section.RESULTS: _("<b>🏁 Won and lost, {period}</b>"),
        Section.SPEED: _("<b>⏱ Waited longer than {sla} of working hours, {period}</b>"),
        Section.PEOPLE: _("<b>👥 Open requests by manager</b>"),
        Section.ATTENTION: _("<b>🔕 No activity for 3 days</b>"),
    }
    sla = duration(listed.settings.sla.length.total_seconds(), locale)
    return titles[listed.section].format(period=period, sla=sla)


def section_text(listed: SectionList, zone: ZoneInfo, currency: str, locale: str) -> str:
    shown = [_line(listed.section, item, zone, currency, locale) for item in listed.items]
    lines = [title(listed, locale), *_block(shown, listed.total)]
    if listed.section is Section.ATTENTION:
        tasks = [_task(task, zone, locale) for task in listed.tasks]
        contracts = [_contract(contract, locale) for contract in listed.contracts]
        lines += ["", _("<b>⏰ Overdue tasks</b>"), *_block(tasks, listed.tasks_total)]
        lines += ["", _("<b>📄 Contracts ending within 14 days</b>")]
        lines += _block(contracts, listed.contracts_total)
    return "\n".join(lines)


def _block(shown: list[str], total: int) -> list[str]:
    if not total:
        return [_("Nothing here.")]
    hidden = total - len(shown)
    if hidden <= 0:
        return shown
    return [*shown, ngettext("…and {n} more", "…and {n} more", hidden).format(n=hidden)]


def _task(task: TaskLine, zone: ZoneInfo, locale: str) -> str:
    note = escape(task.note[:NOTE_SHOWN]) if task.note else _("a task")
    where = _("#{number}").format(number=task.deal_id) if task.deal_id else "—"
    return _("{deal} · {note} · {name}, due {time}").format(
        deal=where,
        note=note,
        name=escape(task.assignee) or _("the owners"),
        time=when(task.due_at, zone, locale),
    )


def _contract(contract: ContractLine, locale: str) -> str:
    return _("#{number} · contract {contract} · ends {day} · {name}").format(
        number=contract.deal_id,
        contract=escape(contract.number),
        day=format_skeleton("yMMMd", contract.ends_on, locale=locale),
        name=escape(contract.customer or "—"),
    )


def _line(section: Section, item: Item, zone: ZoneInfo, currency: str, locale: str) -> str:
    name = escape(item.customer or "—")
    stage = escape(stage_name(item.stage_names, locale))
    if section is Section.NEW:
        return _("#{number} · {time} · {source} · {name}").format(
            number=item.deal_id,
            time=when(item.created_at, zone, locale),
            source=escape(source_name(item.source)),
            name=name,
        )
    if section is Section.RESULTS and item.stage_kind == "won":
        amount = money(item.amount, currency, locale) if item.amount is not None else "—"
        return _("#{number} · 🎯 {amount} · {name}").format(
            number=item.deal_id, amount=amount, name=name
        )
    if section is Section.RESULTS:
        stored = item.lost_reason or ""
        words = stored.removeprefix(f"{OTHER}:") if stored.startswith(f"{OTHER}:") else None
        why = escape(words) if words is not None else escape(reason(item.lost_reason))
        return _("#{number} · ✖️ {reason} · {name}").format(
            number=item.deal_id, reason=why, name=name
        )
    if section is Section.SPEED:
        return _("#{number} · waited {time} · {name}").format(
            number=item.deal_id, time=duration(item.worked or 0.0, locale), name=name
        )
    if section is Section.PEOPLE:
        return _("{manager}: #{number} · {stage} · {name}").format(
            manager=escape(item.manager or ""), number=item.deal_id, stage=stage, name=name
        )
    if section is Section.ATTENTION:
        return _("#{number} · quiet since {time} · {manager}").format(
            number=item.deal_id,
            time=when(item.last_activity_at, zone, locale),
            manager=escape(item.manager or _("nobody")),
        )
    return _("#{number} · {stage} · {name}").format(number=item.deal_id, stage=stage, name=name)
