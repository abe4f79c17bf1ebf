"""One PNG per report: the funnel and the new requests per day.

matplotlib's object API with the Agg canvas (no pyplot, so no global figure state), drawn in a
worker thread: a figure takes tens of milliseconds the event loop should not wait for. Labels
are translated before the thread starts, where the reader's locale is known."""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from presentation.render import stage_name
from presentation.reports.format import period_title
from services.reports.report import Report

MAX_DAY_LABELS = 10
BAR = "#2f6fdf"
WON = "#2e9d5b"


@dataclass(frozen=True)
class ChartData:
    title: str
    funnel_title: str
    stages: list[str]
    reached: list[int]
    won_last: bool
    daily_title: str
    days: list[str]
    counts: list[int]


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


def draw(data: ChartData) -> bytes:
    figure = Figure(figsize=(8, 6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(data.title, fontsize=14)
    funnel, daily = figure.subplots(2, 1, height_ratios=[3, 2])

    rows = list(range(len(data.stages)))
    colours = [BAR] * len(rows)
    if data.won_last and colours:
        colours[-1] = WON
    bars = funnel.barh(rows, data.reached, color=colours)
    funnel.set_yticks(rows, labels=data.stages)
    funnel.invert_yaxis()
    funnel.bar_label(bars, padding=3)
    funnel.set_title(data.funnel_title, loc="left")
    funnel.set_xlim(0, max([*data.reached, 1]) * 1.15)
    funnel.xaxis.set_visible(False)

    positions = list(range(len(data.days)))
    daily.bar(positions, data.counts, color=BAR)
    step = max(1, math.ceil(len(positions) / MAX_DAY_LABELS))
    daily.set_xticks(positions[::step], labels=data.days[::step])
    daily.set_title(data.daily_title, loc="left")
    daily.set_ylim(0, max([*data.counts, 1]) * 1.2)
    daily.yaxis.get_major_locator().set_params(integer=True)

    for axes in (funnel, daily):
        axes.spines[["top", "right"]].set_visible(False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def render(report: Report, locale: str) -> bytes:
    return await asyncio.to_thread(draw, chart_data(report, locale))
