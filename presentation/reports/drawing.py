"""One PNG per report, drawn with matplotlib's object API and the Agg canvas (no pyplot, so no
global figure state). Kept apart from everything else, as a separate process imports only this
to draw (services/processes.py)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

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
