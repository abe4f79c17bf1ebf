from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from services.coalesce import Coalescer


class Doubler:
    """Doubles numbers in batches; refuses negatives (per item) and 13 (the whole batch)."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def __call__(self, items: Sequence[int]) -> list[int | Exception]:
        self.batches.append(list(items))
        if 13 in items:
            raise RuntimeError("unlucky batch")
        return [ValueError(f"negative {i}") if i < 0 else i * 2 for i in items]


async def test_calls_arriving_together_share_one_batch() -> None:
    work = Doubler()
    double = Coalescer(work)
    assert await asyncio.gather(*(double(i) for i in (1, 2, 3))) == [2, 4, 6]
    assert work.batches == [[1, 2, 3]]
    assert await double(4) == 8  # alone, it runs at once in a batch of its own
    assert work.batches[-1] == [4]


async def test_an_item_refused_fails_only_its_own_call() -> None:
    double = Coalescer(Doubler())
    results = await asyncio.gather(double(1), double(-1), double(2), return_exceptions=True)
    assert results[0] == 2 and results[2] == 4
    assert isinstance(results[1], ValueError)


async def test_a_failed_batch_is_retried_item_by_item() -> None:
    work = Doubler()
    double = Coalescer(work)
    results = await asyncio.gather(double(1), double(13), double(2), return_exceptions=True)
    assert results[0] == 2 and results[2] == 4
    assert isinstance(results[1], RuntimeError)
    assert work.batches == [[1, 13, 2], [1], [13], [2]]


async def test_calls_arriving_during_a_batch_form_the_next() -> None:
    release = asyncio.Event()
    batches: list[list[int]] = []

    async def slow(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        await release.wait()
        return list(items)

    echo = Coalescer(slow)
    first = asyncio.ensure_future(echo(1))
    await asyncio.sleep(0)  # the first batch is under way
    later = [asyncio.ensure_future(echo(i)) for i in (2, 3)]
    await asyncio.sleep(0)
    release.set()
    assert await first == 1 and await asyncio.gather(*later) == [2, 3]
    assert batches == [[1], [2, 3]]


async def test_a_caller_cancelled_while_waiting_leaves_the_others_their_results() -> None:
    double = Coalescer(Doubler())
    gone = asyncio.ensure_future(double(1))
    kept = asyncio.ensure_future(double(2))
    await asyncio.sleep(0)
    gone.cancel()
    assert await kept == 4
    with pytest.raises(asyncio.CancelledError):
        await gone
