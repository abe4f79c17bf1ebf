from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from bot.delivery_ledger import Ledger


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


async def send(ledger: Ledger[str], name: str, answer: asyncio.Event) -> None:
    """A send as the outbox makes one: a slot, on its way, Telegram's answer, the record."""
    await ledger.take()
    ledger.going()
    await answer.wait()
    await ledger.answered(name)


def opened(slots: int = 8) -> tuple[Book, Ledger[str]]:
    book = Book()
    return book, Ledger(book, slots=slots)


def answered_at_once() -> asyncio.Event:
    answer = asyncio.Event()
    answer.set()
    return answer


async def turns(count: int = 5) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_sends_answered_while_others_are_on_their_way_are_recorded_together() -> None:
    book, ledger = opened()
    answers = {name: asyncio.Event() for name in "abc"}
    tasks = [asyncio.create_task(send(ledger, name, answers[name])) for name in "abc"]
    await turns()
    for name in "ab":
        answers[name].set()
        await turns()
    assert book.batches == []  # c is still on its way
    assert ledger.unrecorded == 3
    answers["c"].set()
    await asyncio.gather(*tasks)
    assert book.batches == [["a", "b", "c"]]
    assert ledger.unrecorded == 0


async def test_a_lone_send_is_recorded_before_its_sender_goes_on() -> None:
    book, ledger = opened()
    answer = answered_at_once()
    await send(ledger, "a", answer)
    assert book.batches == [["a"]]


async def test_a_send_waiting_for_a_slot_has_the_answered_ones_recorded_at_once() -> None:
    book, ledger = opened(2)
    slow, quick = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(send(ledger, "slow", slow)),
        asyncio.create_task(send(ledger, "quick", quick)),
    ]
    await turns()
    waiting = asyncio.create_task(ledger.take())  # both slots are taken
    await turns()
    assert not waiting.done()
    quick.set()  # answered while "slow" is still on its way
    await asyncio.wait_for(waiting, 1)
    assert book.batches == [["quick"]]
    slow.set()
    await asyncio.gather(*tasks)
    assert book.batches == [["quick"], ["slow"]]


async def test_a_send_held_back_by_the_budget_is_not_waited_for() -> None:
    book, ledger = opened()
    await ledger.take()  # a send waiting out a 429: it has its slot but has not left
    answer = answered_at_once()
    await send(ledger, "a", answer)
    assert book.batches == [["a"]]
    await ledger.dropped(went=False)
    assert ledger.unrecorded == 0


async def test_when_the_last_send_on_its_way_fails_the_answered_ones_are_recorded() -> None:
    book, ledger = opened()
    answered = answered_at_once()
    await ledger.take()
    ledger.going()  # this one will fail
    await send(ledger, "a", answered)
    assert book.batches == []
    await ledger.dropped()
    assert book.batches == [["a"]] and ledger.unrecorded == 0


async def test_when_the_last_send_on_its_way_raises_the_answered_ones_are_still_recorded() -> None:
    book, ledger = opened()
    answered = answered_at_once()
    await ledger.take()
    ledger.going()
    await send(ledger, "a", answered)
    ledger.abandon(went=True)  # in an error handler: nothing is awaited there
    await turns()
    assert book.batches == [["a"]] and ledger.unrecorded == 0


async def test_never_more_than_the_slots_are_unrecorded() -> None:
    book, ledger = opened(3)
    answers = [asyncio.Event() for _ in range(10)]
    tasks = [asyncio.create_task(send(ledger, str(i), answers[i])) for i in range(10)]
    seen = []
    for answer in answers:
        await turns()
        seen.append(ledger.unrecorded)
        answer.set()
    await asyncio.gather(*tasks)
    assert max(seen) == 3
    assert sorted(name for batch in book.batches for name in batch) == sorted(map(str, range(10)))


async def test_a_record_under_way_survives_its_sender_being_stopped() -> None:
    book, ledger = opened()
    book.gate = asyncio.Event()
    answer = answered_at_once()
    sender = asyncio.create_task(send(ledger, "a", answer))
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
    answers = {name: asyncio.Event() for name in ("a", "bad", "c")}
    tasks = [asyncio.create_task(send(ledger, name, answer)) for name, answer in answers.items()]
    await turns()
    with caplog.at_level(logging.ERROR):
        for answer in answers.values():
            answer.set()
        await asyncio.gather(*tasks)
    assert book.batches == [["a"], ["c"]]
    assert "3 sent messages could not be recorded together" in caplog.text
    assert "a sent message could not be recorded" in caplog.text
    assert ledger.unrecorded == 0


async def test_answered_sends_wait_at_most_max_wait_while_others_keep_overlapping() -> None:
    """Sends spaced closer than their round trip are never all answered at once; what was
    answered is recorded once the first of it has waited a second."""
    now = [0.0]
    book = Book()
    ledger: Ledger[str] = Ledger(book, slots=8, max_wait=1.0, monotonic=lambda: now[0])
    answers = {name: asyncio.Event() for name in "abcd"}
    tasks = [asyncio.create_task(send(ledger, name, answers[name])) for name in "abcd"]
    await turns()
    for name, at in (("a", 0.0), ("b", 0.5), ("c", 1.0)):
        now[0] = at
        answers[name].set()
        await turns()
    assert book.batches == [["a", "b", "c"]]  # d was still on its way
    answers["d"].set()
    await asyncio.gather(*tasks)
    assert book.batches == [["a", "b", "c"], ["d"]]
