"""Work that holds the interpreter for long (drawing a chart) runs in a separate process, so the
bot's answers never wait for it: a thread would share the interpreter, and matplotlib keeps it
for the whole of a figure (half a second and more).

One worker process, started on first use from a fork server that imports only the module of
the work (forking the bot itself, with its threads, is unsafe; starting afresh would import the
whole bot). It lives as long as the bot; one that died is started again."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


class _Pool:
    executor: ProcessPoolExecutor | None = None


async def run(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` in the worker process: `work` a module-level function of a module that
    imports little, its arguments and result plain data."""
    try:
        return await _submit(work, *args)
    except BrokenProcessPool:
        _Pool.executor = None
        return await _submit(work, *args)


async def _submit(work: Callable[..., T], *args: object) -> T:
    # Handed over from a thread: the first hand-over starts the worker, and waits while the
    # fork server imports what the work needs.
    future = await asyncio.to_thread(_executor(work).submit, work, *args)
    return await asyncio.wrap_future(future)


def _executor(work: Callable[..., object]) -> ProcessPoolExecutor:
    if _Pool.executor is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([work.__module__])
        _Pool.executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
    return _Pool.executor
