"""What keeps the bot's work per update small when many arrive: shared reads and writes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from aiogram import Bot
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.methods import Response, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import event, func, select

from services.db.deals import ChatMessage, Event
from services.db.users import User
from tests.support.calls import sent_to
from tests.support.deals import make_manager
from tests.support.harness import Harness, person


async def requests_from(tg: Harness, count: int) -> None:
    """`count` customers write to the bot at once."""
    customers = [person(tg_id, f"C{tg_id}") for tg_id in range(100, 100 + count)]
    await asyncio.gather(*(tg.send(customer, "Need chairs") for customer in customers))


@contextmanager
def statements(tg: Harness) -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    run: list[str] = []

    def executed(*args: object) -> None:
        run.append(str(args[2]))

    event.listen(tg.app.engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield run
    finally:
        event.remove(tg.app.engine.sync_engine, "before_cursor_execute", executed)


async def test_cards_waiting_for_a_manager_are_read_together(tg: Harness) -> None:
    await make_manager(tg)
    await requests_from(tg, 4)
    with statements(tg) as run:
        sent = sent_to(await tg.deliver(), 200)
    assert [c.text.splitlines()[0] for c in sent] == [
        f"<b>Request #{number}</b>" for number in range(1, 5)
    ]
    # One read of the four deals with their customers, one of the pipeline's stages.
    assert sum("JOIN customers" in s for s in run) == 1
    assert sum("FROM stages" in s for s in run) == 1


async def test_requests_arriving_together_write_their_accounts_events_and_cards_in_one_go(
    tg: Harness,
) -> None:
    await make_manager(tg)
    with statements(tg) as run:
        await requests_from(tg, 10)
    # Ten new accounts and customers; each request is stored with its message, created and
    # assigned (two events), its card queued.
    for table in ("users", "customers", "deals", "messages", "events"):
        assert sum(s.startswith(f"INSERT INTO {table} ") for s in run) == 1, table
    assert sum(s.startswith("INSERT INTO outbox") for s in run) == 1  # cards and confirmations
    delivered = await tg.deliver()
    sent = sent_to(delivered, 200)
    assert [c.text.splitlines()[0] for c in sent] == [f"<b>Request #{n}</b>" for n in range(1, 11)]
    confirmed = {c.chat_id for c in delivered if c.text.startswith("Request #")}
    assert confirmed == set(range(100, 110))
    async with tg.app.sessions() as session:
        kinds = await session.execute(select(Event.deal_id, Event.kind).order_by(Event.id))
        assert sorted(kinds.all()) == sorted(
            (deal, kind) for deal in range(1, 11) for kind in ("assigned", "created")
        )
        accounts = await session.execute(
            select(User.tg_id, User.first_name, User.role).where(User.role == "customer")
        )
        assert sorted(accounts.all()) == [(n, f"C{n}", "customer") for n in range(100, 110)]


async def test_each_card_is_remembered_before_the_next_message_to_its_chat(tg: Harness) -> None:
    """A card is remembered as soon as no other send is on its way: a manager may reply to a
    card the moment it arrives, and the reply finds its request only if the card is
    remembered. (While sends to other chats keep going, answered cards wait until no send is
    on its way or every slot is taken: at most IN_FLIGHT sends, about a second at Telegram's
    pace, where typing a reply takes longer.)"""
    await make_manager(tg)
    await requests_from(tg, 3)
    remembered: list[int | None] = []

    async def count(
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, SendMessage) and method.chat_id == 200:
            async with tg.app.sessions() as session:
                known = select(func.count()).where(ChatMessage.chat_id == 200)
                remembered.append(await session.scalar(known))
        return await make_request(bot, method)

    tg.app.bot.session.middleware(count)
    await tg.deliver()
    assert remembered == [0, 1, 2]
