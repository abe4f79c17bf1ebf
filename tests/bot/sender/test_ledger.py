"""Answered sends are recorded at once, those answered meanwhile together; never more than the
slots are unrecorded; a record under way outlives its sender; one bad row fails alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from bot.sender.ledger import Ledger


class Book:
    """Records sends in batches; refuses any batch holding "bad"; with `gate`, a record
    waits for it to open."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate: asyncio.Event | None = None

    async def __call__(self, sent: Sequence[str]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if "bad" in sent:
            raise RuntimeError("database gone")
        self.batches.append(list(sent))


async def send(ledger: Ledger[str], name: str) -> None:
    """A send as the outbox makes one: a slot, Telegram's answer, the record."""
    await ledger.take()
    await ledger.answered(name)


def opened(slots: int = 8) -> tuple[Book, Ledger[str]]:
    book = Book()
    return book, Ledger(book, slots=slots)


async def turns(count: int = 5) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_a_send_is_recorded_before_its_sender_goes_on() -> None:
    book, ledger = opened()
    await send(ledger, "a")
    assert book.batches == [["a"]] and ledger.unrecorded == 0
    await send(ledger, "b")
    assert book.batches == [["a"], ["b"]]


async def test_sends_answered_while_a_record_is_written_are_recorded_together_after_it() -> None:
    book, ledger = opened()
    book.gate = asyncio.Event()
    first = asyncio.create_task(send(ledger, "a"))
    await turns()
    later = [asyncio.create_task(send(ledger, name)) for name in "bc"]
    await turns()
    assert ledger.unrecorded == 3 and not first.done()
    book.gate.set()
    await asyncio.gather(first, *later)
    assert book.batches == [["a"], ["b", "c"]] and ledger.unrecorded == 0


async def test_never_more_than_the_slots_are_unrecorded() -> None:
    book, ledger = opened(2)
    book.gate = asyncio.Event()
    sending = [asyncio.create_task(send(ledger, name)) for name in "abc"]
    await turns()
    assert ledger.unrecorded == 2  # "c" waits for a slot
    book.gate.set()
    await asyncio.gather(*sending)
    assert sorted(name for batch in book.batches for name in batch) == ["a", "b", "c"]


async def test_a_send_that_was_not_answered_gives_its_slot_back() -> None:
    book, ledger = opened(1)
    await ledger.take()
    waiting = asyncio.create_task(send(ledger, "a"))
    await turns()
    assert not waiting.done()
    ledger.release()  # refused by Telegram, say
    await waiting
    assert book.batches == [["a"]] and ledger.unrecorded == 0


async def test_a_record_under_way_survives_its_sender_being_stopped() -> None:
    book, ledger = opened()
    book.gate = asyncio.Event()
    sender = asyncio.create_task(send(ledger, "a"))
    await turns()
    sender.cancel()  # the bot stops while "a" is being recorded
    with pytest.raises(asyncio.CancelledError):
        await sender
    book.gate.set()
    await ledger.close()  # what the sender does last
    assert book.batches == [["a"]] and ledger.unrecorded == 0


async def test_one_bad_record_leaves_only_itself_unrecorded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    book, ledger = opened()
    book.gate = asyncio.Event()
    first = asyncio.create_task(send(ledger, "first"))
    await turns()
    rest = [asyncio.create_task(send(ledger, name)) for name in ("a", "bad", "c")]
    await turns()
    with caplog.at_level(logging.ERROR):
        book.gate.set()
        await asyncio.gather(first, *rest)
    assert book.batches == [["first"], ["a"], ["c"]]
    assert "3 sent messages could not be recorded together" in caplog.text
    assert "a sent message could not be recorded" in caplog.text
    assert ledger.unrecorded == 0


async def test_a_freed_slot_goes_to_the_lowest_order_waiting_then_the_first_come() -> None:
    _, ledger = opened(slots=1)
    await ledger.take()
    got: list[str] = []

    async def wait(name: str, order: tuple[int, ...]) -> None:
        await ledger.take(order)
        got.append(name)

    waiting = [
        asyncio.create_task(wait(name, order))
        for name, order in (("notice late", (1, 9)), ("notice early", (1, 2)), ("answer", (0, 5)))
    ]
    given_up = asyncio.create_task(wait("given up", (0, 0)))
    await turns()
    given_up.cancel()
    for _ in waiting:
        ledger.release()
        await turns()
    assert got == ["answer", "notice early", "notice late"]
    await asyncio.gather(*waiting)
    assert ledger.unrecorded == 1
