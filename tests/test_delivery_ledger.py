from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from bot.delivery_ledger import Ledger


class Book:
    """Records sends in batches; refuses a batch holding "bad"."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    async def __call__(self, sent: Sequence[str]) -> None:
        self.batches.append(list(sent))
        if "bad" in sent:
            raise RuntimeError("database gone")


async def send(ledger: Ledger[str], name: str, answer: asyncio.Event) -> None:
    """A send as the outbox makes one: a slot, Telegram's answer, then the record."""
    await ledger.take()
    await answer.wait()
    await ledger.answered(name)


async def test_sends_answered_while_others_are_on_their_way_are_recorded_together() -> None:
    book = Book()
    ledger = Ledger(book, slots=8)
    answers = {name: asyncio.Event() for name in "abc"}
    tasks = [asyncio.create_task(send(ledger, name, answers[name])) for name in "abc"]
    await asyncio.sleep(0)
    for name in "ab":
        answers[name].set()
        await asyncio.sleep(0)
    assert book.batches == []  # c is still on its way
    assert ledger.unrecorded == 3
    answers["c"].set()
    await asyncio.gather(*tasks)
    assert book.batches == [["a", "b", "c"]]
    assert ledger.unrecorded == 0


async def test_a_lone_send_is_recorded_as_soon_as_it_is_answered() -> None:
    book = Book()
    ledger = Ledger(book, slots=8)
    answer = asyncio.Event()
    answer.set()
    await send(ledger, "a", answer)
    assert book.batches == [["a"]]


async def test_a_send_without_a_free_slot_records_the_answered_ones_first() -> None:
    book = Book()
    ledger = Ledger(book, slots=2)
    first, second, third = asyncio.Event(), asyncio.Event(), asyncio.Event()
    slow = asyncio.create_task(send(ledger, "slow", first))
    answered = asyncio.create_task(send(ledger, "quick", second))
    second.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert answered.done() and book.batches == []  # answered, waiting to be recorded
    third.set()
    await send(ledger, "next", third)  # both slots were taken: "quick" is recorded first
    assert book.batches == [["quick"]]
    first.set()
    await slow
    assert book.batches == [["quick"], ["next", "slow"]]


async def test_never_more_than_the_slots_are_unrecorded() -> None:
    book = Book()
    ledger = Ledger(book, slots=3)
    answers = [asyncio.Event() for _ in range(10)]
    tasks = [asyncio.create_task(send(ledger, str(i), answers[i])) for i in range(10)]
    seen = []
    for answer in answers:
        await asyncio.sleep(0)
        seen.append(ledger.unrecorded)
        answer.set()
    await asyncio.gather(*tasks)
    assert max(seen) == 3
    assert sorted(name for batch in book.batches for name in batch) == sorted(map(str, range(10)))


async def test_a_send_that_did_not_go_through_gives_its_slot_back() -> None:
    book = Book()
    ledger = Ledger(book, slots=1)
    await ledger.take()
    waiting = asyncio.create_task(ledger.take())
    await asyncio.sleep(0)
    assert not waiting.done()
    ledger.give_back()
    await asyncio.wait_for(waiting, 1)
    assert ledger.unrecorded == 1 and book.batches == []


async def test_a_failed_record_is_logged_and_frees_its_slots(
    caplog: pytest.LogCaptureFixture,
) -> None:
    book = Book()
    ledger = Ledger(book, slots=1)
    answer = asyncio.Event()
    answer.set()
    with caplog.at_level(logging.ERROR):
        await send(ledger, "bad", answer)
    assert "1 sent messages could not be recorded" in caplog.text
    assert ledger.unrecorded == 0
    await send(ledger, "good", answer)
    assert book.batches == [["bad"], ["good"]]
