"""The customers file against what a hostile or odd file holds: control characters, texts a
spreadsheet app would run, a CSV saved by Excel as UTF-16, phones by the ten thousand."""

from __future__ import annotations

from sqlalchemy import select

from services.db.customers import Customer
from tests.handlers.test_customer_files import document_of
from tests.support.deals import OLGA
from tests.support.harness import Harness


async def test_control_characters_are_left_out_and_the_export_still_works(
    tg: Harness,
) -> None:
    await tg.send(OLGA, "/customers import")
    data = b"name,notes\r\nNi\x00gar,calls\x07 late\r\n"
    _got, done = await tg.send_file(OLGA, data, "customers.csv")
    assert done.text == "The customers are imported.\n1 customer added\n0 customers updated"
    async with tg.app.sessions() as session:
        nigar = await session.scalar(select(Customer).where(Customer.source == "manual"))
        assert nigar is not None and (nigar.name, nigar.notes) == ("Nigar", "calls late")
    book = document_of(await tg.send(OLGA, "/customers export"))
    assert book.data.startswith(b"PK")
