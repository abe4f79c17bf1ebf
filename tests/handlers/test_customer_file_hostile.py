"""The customers file against what a hostile or odd file holds: control characters, texts a
spreadsheet app would run, a CSV saved by Excel as UTF-16, phones by the ten thousand."""

from __future__ import annotations

import io
import threading
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from services import customer_import, customer_import_rows
from services.db.customers import Customer
from services.workbooks import MAX_UNPACKED
from tests.handlers.test_customer_files import document_of
from tests.support.customer_files import NOT_READABLE, RAUF_PHONE, seeded, written, xlsx
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


async def test_a_csv_text_a_spreadsheet_would_run_is_quoted_but_a_phone_is_not(
    tg: Harness,
) -> None:
    await seeded(tg)
    async with tg.app.sessions() as session:
        rauf = await session.get_one(Customer, 2)
        rauf.notes = "-2+3"
        rauf.company = "+cmd|' /C calc'!A0"
        await session.commit()
    table = document_of(await tg.send(OLGA, "/customers export csv"))
    [_header, _leyla, line] = table.data.decode("utf-8-sig").splitlines()
    assert line.startswith(f"2,Rauf,{RAUF_PHONE},+994551112233,rauf@example.com,")
    assert ",'+cmd|' /C calc'!A0," in line and ",'-2+3," in line

    # Sent back, the quotes are taken off again.
    await tg.send(OLGA, "/customers import")
    await tg.send_file(OLGA, table.data, "customers.csv")
    async with tg.app.sessions() as session:
        rauf = await session.get_one(Customer, 2)
        assert (rauf.company, rauf.notes, rauf.phone) == (
            "+cmd|' /C calc'!A0",
            "-2+3",
            RAUF_PHONE,
        )


async def test_a_csv_saved_as_unicode_text_is_read(tg: Harness) -> None:
    await tg.send(OLGA, "/customers import")
    data = "имя клиента\tосновной телефон\r\nЛейла Əliyeva\t050 555 66 77\r\n".encode("utf-16")
    _got, done = await tg.send_file(OLGA, data, "customers.csv")
    assert done.text == "The customers are imported.\n1 customer added\n0 customers updated"
    async with tg.app.sessions() as session:
        added = await session.scalar(select(Customer).where(Customer.source == "manual"))
        assert added is not None and added.name == "Лейла Əliyeva"


async def test_a_csv_in_a_windows_code_page_is_refused_saying_how_to_save_it(
    tg: Harness,
) -> None:
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    data = "имя клиента;основной телефон\r\nЛейла;050 555 66 77\r\n".encode("cp1251")
    _got, refused = await tg.send_file(OLGA, data, "customers.csv")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            NOT_READABLE,
            "Nothing was changed. Fix the file and send it again, or /cancel.",
        )
    )
    assert await written(tg) == before


async def test_a_file_of_very_many_phones_is_checked_not_broken(tg: Harness) -> None:
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    lines = ["name,main phone,other phones"]
    for n in range(9000):
        others = ", ".join(f"+99455{n:04d}{k:03d}" for k in range(3))
        lines.append(f'C{n},+99450{n:04d}000,"{others}"')
    lines.append("Last,not a phone,")
    _got, refused = await tg.send_file(OLGA, "\n".join(lines).encode(), "customers.csv")
    assert refused.text.splitlines()[:2] == [
        "The customers file can't be imported:",
        "Row 9002, main phone: write a phone number like +994 50 123 45 67 (the other "
        "phones after a main one).",
    ]
    assert await written(tg) == before


async def test_a_new_customer_gets_no_more_typed_numbers_than_a_card_keeps(
    tg: Harness,
) -> None:
    await seeded(tg)
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    five = ", ".join(f"+99450111111{n}" for n in range(2, 7))
    rows = [
        ["id", "customer name", "main phone", "other phones"],
        [None, "Nigar", "+994501111111", five],
        # Rauf's own number and five typed ones: as many as his card keeps.
        [2, "Rauf", RAUF_PHONE, five],
    ]
    _got, refused = await tg.send_file(OLGA, xlsx(rows), "customers.xlsx")
    assert refused.text == "\n".join(
        (
            "The customers file can't be imported:",
            "Row 2, other phones: a customer keeps at most 5 typed numbers.",
            "Nothing was changed. Fix the file and send it again, or /cancel.",
        )
    )
    assert await written(tg) == before
    _got, done = await tg.send_file(OLGA, xlsx(rows[::2]), "customers.xlsx")
    assert done.text == "The customers are imported.\n0 customers added\n1 customer updated"


async def test_rows_are_checked_off_the_loop_other_chats_wait_on(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.current_thread()
    checked_in: list[threading.Thread] = []

    def parse(*args: Any) -> Any:
        checked_in.append(threading.current_thread())
        return customer_import_rows.parse(*args)

    monkeypatch.setattr(customer_import, "parse", parse)
    await tg.send(OLGA, "/customers import")
    _got, done = await tg.send_file(OLGA, b"name\nNigar\nAysel\n", "customers.csv")
    assert done.text == "The customers are imported.\n2 customers added\n0 customers updated"
    assert len(checked_in) == 2 and loop_thread not in checked_in


async def test_a_name_with_a_control_character_from_elsewhere_is_still_exported(
    tg: Harness,
) -> None:
    async with tg.app.sessions() as session:
        session.add(Customer(name="Ley\x07la", source="web", created_at=tg.clock.now()))
        await session.commit()
    book = document_of(await tg.send(OLGA, "/customers export"))
    sheet = load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None and sheet["B2"].value == "Leyla"


async def test_a_zip_bomb_and_binary_garbage_are_refused_unopened(tg: Harness) -> None:
    await tg.send(OLGA, "/customers import")
    before = await written(tg)
    out = io.BytesIO(xlsx([["name"], ["Nigar"]]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", bytes(MAX_UNPACKED))
    assert len(out.getvalue()) < 1024 * 1024
    _got, bomb = await tg.send_file(OLGA, out.getvalue(), "customers.xlsx")
    assert bomb.text.splitlines()[1] == "The file is too large: at most 2 MB."
    garbage = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    for name in ("customers.xlsx", "customers.csv"):
        _got, refused = await tg.send_file(OLGA, garbage, name)
        assert refused.text.splitlines()[1] == NOT_READABLE
    assert await written(tg) == before


async def test_a_photo_instead_of_the_file_is_answered_and_cancel_leaves(tg: Harness) -> None:
    await tg.send(OLGA, "/customers import")
    [photo] = await tg.send(OLGA, photo="photo1")
    assert photo.text == "Send the customers as an .xlsx or .csv document, or /cancel."
    [captioned] = await tg.send(OLGA, photo="photo2", caption="customers")
    assert captioned.text == photo.text
    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
