"""Long work in a separate process: the chart is drawn there, and a worker that died is
started again."""

from __future__ import annotations

import os
import signal

from presentation.reports.drawing import ChartData, draw
from services import processes


async def test_work_runs_in_another_process() -> None:
    assert await processes.run(os.getpid) != os.getpid()
    data = ChartData("March", "Funnel", ["New", "Won"], [3, 1], True, "Per day", ["1"], [3])
    png = await processes.run(draw, data)
    assert png.startswith(b"\x89PNG")


async def test_a_worker_that_died_is_started_again() -> None:
    first = await processes.run(os.getpid)
    os.kill(first, signal.SIGKILL)
    second = await processes.run(os.getpid)
    assert second not in (first, os.getpid())
