"""How an update finds its handler and its session: a plain message from a customer is matched
first and opens no session of its own; a failure is undone before the press is answered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares import DatabaseMiddleware
from handlers import staff
from services.db.deals import Event
from tests.support.calls import sent_to
from tests.support.deals import ANNA, make_manager
from tests.support.harness import Harness, person


@contextmanager
def sessions_opened(tg: Harness) -> Iterator[list[int]]:
    """How many sessions the update middleware opens while the block runs."""
    [database] = [
        m for m in tg.app.dispatcher.message.middleware if isinstance(m, DatabaseMiddleware)
    ]
    real = database.sessions
    opened = [0]

    def counting() -> AsyncSession:
        opened[0] += 1
        return real()

    database.sessions = counting  # type: ignore[assignment]
    try:
        yield opened
    finally:
        database.sessions = real


async def test_a_customers_plain_message_opens_no_session_a_command_does(tg: Harness) -> None:
    await make_manager(tg)
    leyla = person(100, "Leyla")
    with sessions_opened(tg) as opened:
        assert await tg.send(leyla, "Need chairs") == []  # its confirmation is queued
        assert opened == [0]
        [listed] = await tg.send(leyla, "/requests")
        assert opened == [1]
        # A refusal with no session to roll back is still answered.
        [refused] = await tg.send(person(101, "Rauf"), "   ")
        assert opened == [1]
    assert listed.text.startswith("<b>Your requests</b>\n#1 · ")
    assert refused.text == "Please describe what you need: text, a photo or a document."
    # Nothing was lost on the way: the confirmation and the card wait to be sent.
    delivered = await tg.deliver()
    [confirmation], [card] = sent_to(delivered, leyla.id), sent_to(delivered, 200)
    assert confirmation.text == "Request #1 received — Anna will contact you."
    assert card.chat_id == 200 and card.text.startswith("<b>Request #1</b>")


async def test_a_command_in_a_caption_still_reaches_its_handler(tg: Harness) -> None:
    """Customers' plain messages are matched first; a photo captioned with a command is not
    one of them, and a caption that is no known command still makes a request."""
    await make_manager(tg)
    leyla = person(100, "Leyla")
    [asked] = await tg.send(leyla, photo="p1", caption="/new")
    assert asked.text.startswith("What do you need?")
    await tg.send(leyla, "/cancel")
    [listed] = await tg.send(leyla, photo="p2", caption="/requests")
    assert listed.text == "You have no requests yet. Just write here what you need."
    assert await tg.send(leyla, photo="p3", caption="/chairs") == []
    [confirmed] = sent_to(await tg.deliver(), leyla.id)
    assert confirmed.text == "Request #1 received — Anna will contact you."


async def test_a_press_that_fails_midway_is_answered_and_leaves_nothing_half_written(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The press is answered on the way out, within the update's session; what the handler
    had written but not committed must be undone first, not committed by that answer."""
    await make_manager(tg)
    await tg.send(person(100, "Leyla"), "Need chairs")

    async def broken(session: AsyncSession, deal_id: int) -> None:
        session.add(Event(deal_id=deal_id, kind="note", created_at=tg.app.clock.now()))
        await session.flush()
        raise RuntimeError("card store unreachable")

    monkeypatch.setattr(staff.views, "deal_card", broken)
    before = len(tg.recorder.calls)
    with pytest.raises(RuntimeError):
        await tg.press(ANNA, "d:t:1")
    assert [type(call) for call in tg.recorder.calls[before:]] == [AnswerCallbackQuery]
    async with tg.app.sessions() as session:
        kinds = await session.scalars(select(Event.kind).order_by(Event.id))
        assert "note" not in kinds.all()
