"""/customers import of a file larger than the import's statements take at once: every row
written as it says (customers added and updated, their phones, tags and history), or, with one
bad row at the end, nothing at all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select

from services.customer_import import CUSTOMER_IMPORTED, IMPORTED
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName, fold
from services.db.deals import Event
from tests.support.customer_files import AGAIN, written, xlsx
from tests.support.deals import OLGA
from tests.support.harness import Harness

# More rows than the import looks up or writes in one statement (1,000).
UPDATED = 700
ADDED = 700
HEADER = ["id", "customer name", "main phone", "other phones", "e-mail", "tags"]


def own(number: int) -> str:
    return f"+99450{number:07d}"


def typed(number: int) -> str:
    return f"+99470{number:07d}"


async def seed(tg: Harness) -> list[int]:
    """UPDATED customers, each with their own number and one tag; their ids."""
    now = tg.clock.now()
    async with tg.app.sessions() as session:
        await session.execute(insert(TagName), [{"name": "old"}])
        tag = await session.scalar(select(TagName.id).where(TagName.name == "old"))
        ids = list(
            await session.scalars(
                insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
                [_customer(number, now) for number in range(UPDATED)],
            )
        )
        await session.execute(
            insert(CustomerTag), [{"customer_id": one, "tag_id": tag} for one in ids]
        )
        await session.commit()
    return ids


def _customer(number: int, now: datetime) -> dict[str, object]:
    return {
        "name": f"Old {number}",
        "phone": own(number),
        "source": "telegram",
        "created_at": now,
    }


def rows(ids: list[int]) -> list[list[object]]:
    """Each customer renamed, given a typed number after their own and new tags; then new
    customers with a main phone, an e-mail and a tag shared with the others."""
    updating: list[list[object]] = [
        [one, f"Rauf {n}", own(n), typed(n), None, f"vip, t{n}"] for n, one in enumerate(ids)
    ]
    adding: list[list[object]] = [
        [None, f"Nigar {n}", typed(UPDATED + n), None, f"n{n}@example.com", "vip"]
        for n in range(ADDED)
    ]
    return [HEADER, *updating, *adding]


async def test_a_large_file_writes_every_row_it_holds(tg: Harness) -> None:
    ids = await seed(tg)
    await tg.send(OLGA, "/customers import")
    _got, done = await tg.send_file(OLGA, xlsx(rows(ids)), "customers.xlsx")
    assert done.text == (
        f"The customers are imported.\n{ADDED} customers added\n{UPDATED} customers updated"
    )
    async with tg.app.sessions() as session:
        customers = list(await session.scalars(select(Customer).order_by(Customer.id)))
        assert len(customers) == UPDATED + ADDED
        old, new = customers[:UPDATED], customers[UPDATED:]
        assert [c.id for c in old] == ids
        assert [(c.name, c.name_key, c.phone, c.version) for c in old] == [
            (f"Rauf {n}", f"rauf {n}", own(n), 2) for n in range(UPDATED)
        ]
        assert [(c.name, c.name_key, c.phone, c.email, c.source, c.version) for c in new] == [
            (f"Nigar {n}", fold(f"Nigar {n}"), None, f"n{n}@example.com", "manual", 1)
            for n in range(ADDED)
        ]
        phones = await session.execute(
            select(CustomerPhone.customer_id, CustomerPhone.phone, CustomerPhone.main).order_by(
                CustomerPhone.customer_id, CustomerPhone.phone
            )
        )
        # The customer's own number stays theirs, not a typed one.
        assert [tuple(p) for p in phones] == [
            (one, typed(n), False) for n, one in enumerate(ids)
        ] + [(c.id, typed(UPDATED + n), True) for n, c in enumerate(new)]
        tags = await session.execute(
            select(CustomerTag.customer_id, TagName.name)
            .join(TagName, TagName.id == CustomerTag.tag_id)
            .order_by(CustomerTag.customer_id, TagName.name)
        )
        assert [tuple(t) for t in tags] == [
            pair for n, one in enumerate(ids) for pair in sorted([(one, "vip"), (one, f"t{n}")])
        ] + [(c.id, "vip") for c in new]
        # Each word once, the one no row carries any more kept.
        names = list(await session.scalars(select(TagName.name)))
        assert sorted(names) == sorted(["old", "vip", *(f"t{n}" for n in range(UPDATED))])
        history = await session.scalars(
            select(Event.customer_id).where(Event.kind == CUSTOMER_IMPORTED).order_by(Event.id)
        )
        assert list(history) == [c.id for c in customers]
        [audit] = await session.scalars(select(Event).where(Event.kind == IMPORTED))
        assert audit.to_value == f"+{ADDED} ~{UPDATED}"


async def test_a_bad_row_at_the_end_of_a_large_file_leaves_everything_as_it_was(
    tg: Harness,
) -> None:
    ids = await seed(tg)
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    async with tg.app.sessions() as session:
        versions = list(await session.scalars(select(Customer.version)))
    last = len(ids) + ADDED + 1
    # The first customer's own number, given to a new customer after a thousand others.
    taken = [None, "Aysel", own(0), None, None, None]
    wrong = [None, "Orxan", None, None, "orxan@", None]
    data = xlsx([*rows(ids), taken, wrong])
    _got, refused = await tg.send_file(OLGA, data, "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            f"Row {last + 1}, main phone: this number is another customer's own; merge them "
            "in the bot instead.",
            f"Row {last + 2}, e-mail: this doesn't look like an e-mail address.",
            AGAIN,
        )
    )
    assert await written(tg) == before
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(Customer.version))) == versions
        assert await session.scalar(select(func.count()).select_from(TagName)) == 1
