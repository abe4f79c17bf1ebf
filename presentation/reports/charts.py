"""One PNG per report: the funnel and the new requests per day.

Drawn in a separate process (presentation/reports/drawing.py): a figure holds the interpreter
for half a second or more, which in a thread of the bot's own would stall every answer
meanwhile. Labels are translated here, where the reader's locale is known."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from presentation.render import stage_name
from presentation.reports.drawing import ChartData, draw
from presentation.reports.format import period_title
from services import processes
from services.reports.report import Report


def chart_data(report: Report, locale: str) -> ChartData:
    return ChartData(
        title=period_title(report.period, locale),
        funnel_title=_("Funnel"),
        stages=[stage_name(step.names, locale) for step in report.funnel],
        reached=[step.reached for step in report.funnel],
        won_last=bool(report.funnel) and report.funnel[-1].kind == "won",
        daily_title=_("New requests per day"),
        days=[str(format_skeleton("MMMd", day, locale=locale)) for day in report.period.days],
        counts=list(report.per_day),
    )


async def render(report: Report, locale: str) -> bytes:
    return await processes.run(draw, chart_data(report, locale))
