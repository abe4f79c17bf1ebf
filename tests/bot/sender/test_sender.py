"""The outbox sender: combined messages, 429 retry_after, backoff, blocked users, leases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardRemove
from sqlalchemy import select

from bot.app import build_app
from bot.sender.merge import TEXT_LIMIT, combine
from bot.sender.pacing import Priority
from bot.sender.renderers import Outgoing
from services import outbox, outbox_claims
from services.clock import ManualClock
from services.db.deals import Deal
from services.db.outbox import Outbox, OutboxChat
from services.db.users import User
from services.users import ensure_owners
from tests.support.fakes import FlakySession, GrantingBudget
from tests.support.harness import OWNER_ID, Harness, make_settings, person
from tests.support.seed import deal_for

ANNA, BAKO, LEYLA = 200, 201, 100


@pytest.fixture
async def tgf(database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    recorder = FlakySession()
    settings = make_settings(database_url)
    app = build_app(settings, clock=clock, session=recorder, budget=GrantingBudget())
    async with app.sessions() as session:
        await ensure_owners(session, settings.owner_ids, clock.now())
    yield Harness(app, recorder)
    await app.engine.dispose()


def manual(tg: Harness) -> ManualClock:
    clock = tg.app.clock
    assert isinstance(clock, ManualClock)
    return clock


async def queue(tg: Harness, chat_id: int, kind: str, payload: dict[str, Any], key: str) -> None:
    async with tg.app.sessions() as session:
        outbox.enqueue(
            session,
            chat_id=chat_id,
            kind=kind,
            payload=payload,
            dedupe_key=key,
            now=tg.app.clock.now(),
        )
        await session.commit()


async def rows(tg: Harness) -> list[Outbox]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(Outbox).order_by(Outbox.id)))


async def add_user(tg: Harness, tg_id: int, role: str, name: str) -> User:
    async with tg.app.sessions() as session:
        user = User(tg_id=tg_id, role=role, first_name=name, created_at=tg.app.clock.now())
        session.add(user)
        await session.commit()
        return user


async def test_plain_texts_waiting_for_one_chat_become_one_message(tgf: Harness) -> None:
    anna = await add_user(tgf, ANNA, "manager", "Anna")
    for n in range(3):
        await queue(
            tgf, OWNER_ID, "manager_unreachable", {"user_id": anna.id, "moved": n}, f"u{n}"
        )
    await queue(tgf, OWNER_ID, "access_revoked", {}, "buttons-none")
    await queue(tgf, LEYLA, "access_revoked", {}, "other-chat")
    # Chats are delivered in parallel: only the order within one chat is fixed.
    sent = sorted(await tgf.deliver(), key=lambda m: m.chat_id)
    assert [(m.chat_id, m.text.count("⚠️")) for m in sent] == [(OWNER_ID, 3), (LEYLA, 0)]
    owner_text = sent[0].text
    assert owner_text.split("\n\n")[0].endswith("0 open requests were handed over to others.")
    assert owner_text.split("\n\n")[1].endswith("1 open request was handed over to others.")
    assert owner_text.split("\n\n")[3].startswith("The owner has turned off your manager access.")
    assert all(row.sent_at is not None for row in await rows(tgf))


async def test_messages_with_buttons_stay_apart_and_order_is_kept(tgf: Harness) -> None:
    anna = await add_user(tgf, ANNA, "manager", "Anna")
    async with tgf.app.sessions() as session:
        deal = await deal_for(session, anna, manual(tgf))
    await queue(tgf, ANNA, "access_revoked", {}, "a")
    await queue(tgf, ANNA, "deal_card", {"deal_id": deal.id}, "b")
    await queue(tgf, ANNA, "access_revoked", {}, "c")
    await queue(tgf, ANNA, "access_revoked", {}, "d")
    sent = await tgf.deliver()
    assert [m.reply_markup is not None for m in sent] == [False, True, False]
    assert sent[2].text.count("manager access") == 2


def test_long_texts_are_not_joined_past_the_limit() -> None:
    long = "x" * 3000
    pieces = combine(
        [
            (1, "k", Priority.NOTICE, [Outgoing(SendMessage(chat_id=1, text=long))]),
            (2, "k", Priority.NOTICE, [Outgoing(SendMessage(chat_id=1, text=long))]),
            (3, "k", Priority.ANSWER, [Outgoing(SendMessage(chat_id=1, text="short"))]),
        ]
    )
    assert [len(p.method.text) for p in pieces] == [3000, 3007]  # type: ignore[attr-defined]
    assert [p.done for p in pieces] == [[1], [2, 3]]
    # A message carrying an answer goes as one.
    assert [p.priority for p in pieces] == [Priority.NOTICE, Priority.ANSWER]
    assert all(len(p.method.text) <= TEXT_LIMIT for p in pieces)  # type: ignore[attr-defined]


async def test_a_429_is_waited_out_exactly_and_the_send_made_again(tgf: Harness) -> None:
    await queue(tgf, LEYLA, "access_revoked", {}, "a")
    flaky = tgf.recorder
    assert isinstance(flaky, FlakySession)
    flaky.errors.append(
        TelegramRetryAfter(SendMessage(chat_id=LEYLA, text="x"), "Too Many Requests", 7)
    )
    refused, again = await tgf.deliver()
    assert again == refused
    budget = tgf.app.budget
    assert isinstance(budget, GrantingBudget)
    assert budget.log == [
        f"acquire {LEYLA}",
        "ended",
        "pause 7",  # nothing at all is sent before retry_after has passed
        f"acquire {LEYLA}",
        "ended",
    ]
    [row] = await rows(tgf)
    assert (row.sent_at, row.attempts, row.last_error) == (tgf.app.clock.now(), 1, None)


async def test_server_and_network_errors_back_off_then_succeed(tgf: Harness) -> None:
    await queue(tgf, LEYLA, "access_revoked", {}, "a")
    flaky = tgf.recorder
    assert isinstance(flaky, FlakySession)
    method = SendMessage(chat_id=LEYLA, text="x")
    flaky.errors += [TelegramServerError(method, "Bad Gateway"), TelegramNetworkError(method, "x")]
    clock = manual(tgf)
    start = clock.now()
    await tgf.deliver()
    assert (await rows(tgf))[0].next_attempt_at == start + timedelta(seconds=2)
    clock.advance(timedelta(seconds=2))
    await tgf.deliver()
    assert (await rows(tgf))[0].next_attempt_at == clock.now() + timedelta(seconds=4)
    clock.advance(timedelta(seconds=4))
    [sent] = await tgf.deliver()
    row = (await rows(tgf))[0]
    assert (row.sent_at, row.attempts, row.failed_at) == (clock.now(), 3, None)
    assert sent.chat_id == LEYLA


async def test_a_manager_who_blocked_the_bot_loses_their_deals_and_the_owner_is_told(
    tgf: Harness,
) -> None:
    anna = await add_user(tgf, ANNA, "manager", "Anna")
    bako = await add_user(tgf, BAKO, "manager", "Bako")
    async with tgf.app.sessions() as session:
        first = await deal_for(session, anna, manual(tgf))
        second = await deal_for(session, anna, manual(tgf), phone="+994501234568")
    await queue(tgf, ANNA, "access_revoked", {}, "a")
    await queue(tgf, ANNA, "deal_card", {"deal_id": first.id}, "b")
    flaky = tgf.recorder
    assert isinstance(flaky, FlakySession)
    flaky.errors.append(
        TelegramForbiddenError(SendMessage(chat_id=ANNA, text="x"), "bot was blocked by the user")
    )
    [refused] = await tgf.deliver()
    assert refused.chat_id == ANNA
    async with tgf.app.sessions() as session:
        assert (await session.get_one(User, anna.id)).blocked
        managers = [(await session.get_one(Deal, d.id)).manager_id for d in (first, second)]
    assert managers == [bako.id, bako.id]
    assert [r.failed_at is not None for r in await rows(tgf)][:2] == [True, True]
    told = await tgf.deliver()
    assert sorted((m.chat_id, m.text.split("\n")[0][:40]) for m in told) == [
        (OWNER_ID, "⚠️ Anna has blocked the bot and gets no "),
        (BAKO, "<b>Request #1</b>"),
        (BAKO, "<b>Request #2</b>"),
    ]
    [alert] = [m for m in told if m.chat_id == OWNER_ID]
    assert alert.text.endswith("2 open requests were handed over to others.")
    # Anna writing to the bot again makes her reachable.
    await tgf.send(person(ANNA, "Anna"), "/start")
    async with tgf.app.sessions() as session:
        assert not (await session.get_one(User, anna.id)).blocked


async def test_a_crashed_workers_rows_are_sent_after_the_lease(tgf: Harness) -> None:
    await queue(tgf, LEYLA, "access_revoked", {}, "a")
    clock = manual(tgf)
    async with tgf.app.sessions() as session:
        lease = tgf.app.settings.outbox_lease
        claimed = (await outbox_claims.claim(session, "crashed", clock.now(), lease, 10, 10)).rows
    assert await tgf.deliver() == []  # another worker holds the chat
    clock.advance(lease + timedelta(seconds=1))
    [sent] = await tgf.deliver()
    assert sent.chat_id == LEYLA and [r.attempts for r in claimed[LEYLA]] == [1]
    async with tgf.app.sessions() as session:
        assert (await session.get_one(Outbox, claimed[LEYLA][0].id)).attempts == 2


async def test_a_chat_taken_over_by_another_worker_gets_no_further_send_from_this_one(
    tgf: Harness,
) -> None:
    """This worker stalled past its claim while sending a chat's first message; another took
    the chat. The rest of the chat's rows are the other's to send, so none goes twice."""
    anna = await add_user(tgf, ANNA, "manager", "Anna")
    async with tgf.app.sessions() as session:
        deal = await deal_for(session, anna, manual(tgf))
    await queue(tgf, ANNA, "access_revoked", {}, "a")
    await queue(tgf, ANNA, "deal_card", {"deal_id": deal.id}, "b")
    flaky = tgf.recorder
    assert isinstance(flaky, FlakySession)
    sender, clock, lease = tgf.app.sender, manual(tgf), tgf.app.settings.outbox_lease
    taken: dict[int, list[Outbox]] = {}

    async def stall_then_lose_the_chat() -> None:
        clock.advance(lease + timedelta(seconds=1))
        async with tgf.app.sessions() as session:
            other = await outbox_claims.claim(session, "other", clock.now(), lease, 9, 9)
            taken.update(other.rows)
        await sender.claims.renew()

    flaky.before_send = stall_then_lose_the_chat
    [first] = await tgf.deliver()
    assert first.text.startswith("The owner has turned off your manager access")
    # "a" was on its way as the chat changed hands: the one repeat a stall can cause. "b"
    # was never sent here: it is the other worker's now.
    assert [row.dedupe_key for row in taken[ANNA]] == ["a", "b"]


async def test_a_delivered_chat_is_let_go_with_the_record_of_its_last_message(
    tgf: Harness,
) -> None:
    await queue(tgf, LEYLA, "access_revoked", {}, "a")
    await queue(tgf, OWNER_ID, "access_revoked", {}, "b")
    assert len(await tgf.deliver()) == 2
    async with tgf.app.sessions() as session:
        assert list(await session.scalars(select(OutboxChat))) == []
    # Free for any worker at once: a row queued now is claimed by another.
    await queue(tgf, LEYLA, "access_revoked", {}, "c")
    async with tgf.app.sessions() as session:
        clock, lease = manual(tgf), tgf.app.settings.outbox_lease
        other = await outbox_claims.claim(session, "other", clock.now(), lease, 9, 9)
    assert list(other.rows) == [LEYLA]
    assert tgf.app.sender.claims.busy == {}


def test_a_text_taking_the_keyboard_away_is_joined_and_still_takes_it_away() -> None:
    remove = ReplyKeyboardRemove()
    pieces = combine(
        [
            (1, "rule_message", Priority.NOTICE, [Outgoing(SendMessage(chat_id=1, text="Hi"))]),
            (
                2,
                "confirmation",
                Priority.ANSWER,
                [Outgoing(SendMessage(chat_id=1, text="Received", reply_markup=remove))],
            ),
            (3, "rule_message", Priority.NOTICE, [Outgoing(SendMessage(chat_id=1, text="Bye"))]),
            (
                4,
                "deal_card",
                Priority.NOTICE,
                [
                    Outgoing(
                        SendMessage(
                            chat_id=1,
                            text="Card",
                            reply_markup=InlineKeyboardMarkup(inline_keyboard=[]),
                        )
                    )
                ],
            ),
        ]
    )
    assert [(p.method.text, p.method.reply_markup) for p in pieces] == [  # type: ignore[attr-defined]
        ("Hi\n\nReceived\n\nBye", remove),
        ("Card", InlineKeyboardMarkup(inline_keyboard=[])),
    ]
    assert [p.done for p in pieces] == [[1, 2, 3], [4]]
    assert pieces[0].priority == Priority.ANSWER


async def test_only_a_process_that_cannot_deliver_what_it_queued_wakes_the_others(
    tgf: Harness,
) -> None:
    sender = tgf.app.sender
    told: list[int] = []
    sender.announce = lambda: told.append(1)
    sender.wake()  # no sender running here: a web process
    assert told == [1]
    running = asyncio.create_task(sender.run(idle=3600))
    await asyncio.sleep(0)  # the loop starts
    sender.wake()  # a worker with room delivers its own rows
    assert told == [1]
    claims = sender.claims
    claims.busy.update((-chat, claims.per_chat) for chat in range(1, claims.chats + 1))
    sender.wake()  # a full one leaves them to the others
    assert told == [1, 1]
    claims.busy.clear()
    await sender.stop(1)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    sender.wake()  # stopped
    assert told == [1, 1, 1]
