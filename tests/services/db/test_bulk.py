"""New rows of a table written in one statement, handed back in the order given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.clock import ManualClock
from services.customers import customers_for_users
from services.db.bulk import insert_all
from services.db.customers import Customer
from services.db.users import User


@contextmanager
def inserts(engine: AsyncEngine, table: str) -> Iterator[list[str]]:
    run: list[str] = []

    def executed(*args: object) -> None:
        if str(args[2]).startswith(f"INSERT INTO {table}"):
            run.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield run
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", executed)


async def test_rows_come_back_in_the_order_given_from_one_insert(
    engine: AsyncEngine, session: AsyncSession, clock: ManualClock
) -> None:
    names = [f"Customer {n}" for n in (5, 3, 9, 1, 7)]
    rows = [{"name": name, "source": "web", "created_at": clock.now()} for name in names]
    with inserts(engine, "customers") as run:
        stored = await insert_all(session, Customer, rows, key=("name",))
    assert len(run) == 1
    assert [c.name for c in stored] == names
    assert all(c in session for c in stored)  # persistent, as after add_all and flush
    await session.commit()
    by_id = {i: n for i, n in await session.execute(select(Customer.id, Customer.name))}
    assert [by_id[c.id] for c in stored] == names


class Shuffling:
    """A session whose results come back in the reverse order, as a database may return
    the rows of a multi-row INSERT."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scalars(self, statement: Any, params: Any) -> list[Any]:
        return list(reversed(list(await self.session.scalars(statement, params))))


async def test_rows_returned_in_any_order_are_matched_back_by_their_key(
    session: AsyncSession, clock: ManualClock
) -> None:
    names = ["Aysel", "Rauf", "Leyla"]
    rows = [{"name": name, "source": "web", "created_at": clock.now()} for name in names]
    stored = await insert_all(Shuffling(session), Customer, rows, key=("name",))  # type: ignore[arg-type]
    assert [c.name for c in stored] == names


async def test_rows_the_key_does_not_tell_apart_are_still_stored_in_order(
    session: AsyncSession, clock: ManualClock
) -> None:
    rows = [
        {"name": "Twin", "source": source, "created_at": clock.now()}
        for source in ("web", "phone", "web", "manual")
    ]
    stored = await insert_all(session, Customer, rows, key=("name",))
    assert [c.source for c in stored] == ["web", "phone", "web", "manual"]
    ids = [c.id for c in stored]
    assert ids == sorted(set(ids))  # four new ids, in the order given
    assert await insert_all(session, Customer, [], key=("name",)) == []


async def test_new_accounts_get_their_customer_records_in_one_insert(
    engine: AsyncEngine, session: AsyncSession, clock: ManualClock
) -> None:
    users = [
        User(tg_id=100 + n, role="customer", first_name=f"C{n}", created_at=clock.now())
        for n in range(4)
    ]
    session.add_all(users)
    await session.flush()
    existing = Customer(name="Known", user_id=users[2].id, source="web", created_at=clock.now())
    session.add(existing)
    await session.flush()
    with inserts(engine, "customers") as run:
        customers = await customers_for_users(session, [*users, users[0]], clock.now())
    assert len(run) == 1
    assert [c.user_id for c in customers] == [u.id for u in [*users, users[0]]]
    assert [c.name for c in customers] == ["C0", "C1", "Known", "C3", "C0"]
    assert customers[2] is existing
    assert customers[4] is customers[0]  # one record for an account with two requests
    await session.commit()
    assert await session.scalar(select(Customer.id).where(Customer.user_id == users[3].id)) == (
        customers[3].id
    )
