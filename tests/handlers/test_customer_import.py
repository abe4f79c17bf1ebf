"""/customers import: a file imported whole (rows with an id updated, the others added, the
import recorded) or refused with each bad row named and nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.methods import GetFile
from sqlalchemy import select

from presentation.customers import files
from services import customer_sheet
from services.customer_import import CUSTOMER_IMPORTED, IMPORTED
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName
from services.db.deals import Event
from services.workbooks import MAX_BYTES
from tests.support.customer_files import (
    AGAIN,
    ASKED,
    NOT_READABLE,
    RAUF_PHONE,
    seeded,
    written,
    xlsx,
)
from tests.support.deals import OLGA
from tests.support.harness import Harness


async def test_an_import_updates_rows_with_an_id_and_adds_the_others(tg: Harness) -> None:
    await seeded(tg)
    [asked] = await tg.send(OLGA, "/customers import")
    assert asked.text == ASKED
    # Headers in Russian and English mixed; columns left out stay as they are.
    data = xlsx(
        [
            [
                "ID",
                "Имя клиента",
                "Основной телефон",
                "other phones",
                "e-mail",
                "birthday",
                "tags",
            ],
            [2, "Rauf Aliyev", RAUF_PHONE, "+994 70 999 88 77", None, None, "vip"],
            [None, "Nigar", "050 555 66 77", None, "nigar@example.com", "31.12.1991", "new"],
            [None, None, None, None, None, None, None],
        ]
    )
    _got, done = await tg.send_file(OLGA, data, "customers.xlsx")
    assert done.text == "The customers are imported.\n1 customer added\n1 customer updated"
    async with tg.app.sessions() as session:
        rauf = await session.get_one(Customer, 2)
        assert (rauf.name, rauf.name_key, rauf.email, rauf.birthday, rauf.company) == (
            "Rauf Aliyev",
            "rauf aliyev",
            None,
            None,
            "Rauf MMC",
        )
        assert (rauf.phone, rauf.version) == (RAUF_PHONE, 2)
        nigar = await session.get_one(Customer, 4)
        assert (nigar.name, nigar.source, nigar.phone, nigar.email, nigar.birthday) == (
            "Nigar",
            "manual",
            None,
            "nigar@example.com",
            date(1991, 12, 31),
        )
        phones = await session.execute(
            select(CustomerPhone.customer_id, CustomerPhone.phone, CustomerPhone.main).order_by(
                CustomerPhone.id
            )
        )
        assert [tuple(p) for p in phones] == [
            (2, "+994709998877", False),
            (4, "+994505556677", True),
        ]
        tags = await session.execute(
            select(CustomerTag.customer_id, TagName.name)
            .join(TagName, TagName.id == CustomerTag.tag_id)
            .order_by(CustomerTag.customer_id)
        )
        assert [tuple(t) for t in tags] == [(2, "vip"), (4, "new")]
        written_to = await session.scalars(
            select(Event.customer_id)
            .where(Event.kind == CUSTOMER_IMPORTED, Event.actor_id == 1)
            .order_by(Event.customer_id)
        )
        assert list(written_to) == [2, 4]
        [audit] = await session.scalars(select(Event).where(Event.kind == IMPORTED))
        assert (audit.actor_id, audit.to_value, audit.deal_id, audit.customer_id) == (
            1,
            "+1 ~1",
            None,
            None,
        )
    # The step is over.
    [after] = await tg.send(OLGA, "here")
    assert after.text != "Send the customers as an .xlsx or .csv document, or /cancel."


async def test_each_bad_row_is_named_and_nothing_is_written(tg: Harness) -> None:
    await seeded(tg)
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    csv_text = "\n".join(
        (
            "id;customer name;main phone;e-mail;birthday;language;tags",
            "2;Rauf;+994501234567;;;az;vip",
            "1;Leyla;12;leyla@;32.13.1990;xx;",
            "9;Ghost;;;;;",
            "3;Rauf old;;;;;",
            "2;Rauf again;;;;;",
            ";;+994501234567;;;;bad tag!",
            ";Nigar;;;1890-01-01;;a,b,c,d,e,f,g",
        )
    )
    _got, refused = await tg.send_file(OLGA, csv_text.encode(), "customers.csv")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "Row 3, main phone: write a phone number like +994 50 123 45 67 (the other "
            "phones after a main one).",
            "Row 3, e-mail: this doesn't look like an e-mail address.",
            "Row 3, language: the language is en, az or ru, or blank.",
            "Row 3, birthday: write the birthday like 31.12.1990 or 1990-12-31.",
            "Row 4, id: there is no customer with this id; leave it blank to add a customer.",
            "Row 5, id: this customer was merged into another; put that customer's id here.",
            "Row 6, id: an earlier row has this customer already.",
            "Row 7, customer name: this is empty or too long.",
            "Row 7, tags: tags are short words without spaces, up to 32 characters each, "
            "at most 6.",
            "Row 8, birthday: write the birthday like 31.12.1990 or 1990-12-31.",
            "Row 8, tags: tags are short words without spaces, up to 32 characters each, "
            "at most 6.",
            AGAIN,
        )
    )
    assert await written(tg) == before

    # Another customer's own number, and an odd header.
    many = ", ".join(f"+99450111111{n}" for n in range(2, 8))
    taken = xlsx(
        [
            ["customer name", "main phone", "other phones"],
            ["Nigar", RAUF_PHONE, None],
            ["Many", "+994501111111", many],
            ["Others", None, "+994501111112"],
        ]
    )
    _got, refused = await tg.send_file(OLGA, taken, "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "Row 2, main phone: this number is another customer's own; merge them in the "
            "bot instead.",
            "Row 3, other phones: a customer keeps at most 5 typed numbers.",
            "Row 4, main phone: write a phone number like +994 50 123 45 67 (the other "
            "phones after a main one).",
            AGAIN,
        )
    )
    _got, refused = await tg.send_file(OLGA, xlsx([["e-mail"], ["a@b.az"]]), "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "Row 1, customer name: the name column is missing.",
            AGAIN,
        )
    )
    odd = xlsx([["name", "colour", "Name"], ["Nigar", "red", "Nigar"]])
    _got, refused = await tg.send_file(OLGA, odd, "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "Row 1, customer name: this column is there twice.",
            "Row 1, colour: there is no such column; name them as the export does.",
            AGAIN,
        )
    )
    assert await written(tg) == before


async def test_a_file_with_too_many_rows_is_refused(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(customer_sheet, "MAX_ROWS", 2)
    monkeypatch.setattr(files, "MAX_ROWS", 2)
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    data = xlsx([["customer name"], ["Nigar"], ["Rauf"], ["Aysel"]])
    _got, refused = await tg.send_file(OLGA, data, "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "The file has more than 2 customers; split it into several files.",
            AGAIN,
        )
    )
    assert await written(tg) == before


async def test_a_file_too_large_or_of_another_kind_is_refused(tg: Harness) -> None:
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    [too_big] = await tg.send_file(OLGA, b"PK", "customers.xlsx", size=MAX_BYTES + 1)
    assert too_big.text == "The file is too large: at most 2 MB.\n" + AGAIN
    [other] = await tg.send_file(OLGA, b"%PDF", "customers.pdf")
    assert other.text == NOT_READABLE + "\n" + AGAIN
    [words] = await tg.send(OLGA, "where?")
    assert words.text == "Send the customers as an .xlsx or .csv document, or /cancel."
    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    calls = await tg.send_file(OLGA, xlsx([["name"], ["Nigar"]]), "customers.xlsx")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await written(tg) == before


async def test_cells_a_row_leaves_off_at_its_end_are_blank(tg: Harness) -> None:
    await seeded(tg)
    await tg.send(OLGA, "/customers import")
    # As a spreadsheet app saves a row whose last cells are empty.
    data = b"id,customer name,notes,company\n2,Rauf\n"
    _got, done = await tg.send_file(OLGA, data, "customers.csv")
    assert done.text == "The customers are imported.\n0 customers added\n1 customer updated"
    async with tg.app.sessions() as session:
        rauf = await session.get_one(Customer, 2)
        assert (rauf.notes, rauf.company, rauf.email) == (None, None, "rauf@example.com")
