"""/customers export: every customer the owner sees as .xlsx or CSV (a merged-away record left
out), what it reads as a formula kept a text, the file sent back changing nothing, and nobody but
owners let in (/customers import's own tests: test_customer_import.py)."""

from __future__ import annotations

import io
from datetime import datetime

from aiogram.methods import GetFile, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook

from services.db.customers import Customer
from tests.support.customer_files import RAUF_PHONE, seeded, written, xlsx
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager
from tests.support.harness import Harness

HEADERS = [
    "id",
    "customer name",
    "main phone",
    "other phones",
    "e-mail",
    "company",
    "address",
    "language",
    "birthday",
    "tags",
    "notes",
    "source",
    "created",
    "requests",
    "last activity",
]
# 9:00 UTC is 13:00 in Baku, the business's zone.
CREATED = datetime(2026, 3, 2, 13, 0)


def document_of(calls: list[object]) -> BufferedInputFile:
    [sent] = calls
    assert isinstance(sent, SendDocument) and sent.chat_id == OLGA.id
    assert isinstance(sent.document, BufferedInputFile)
    return sent.document


async def test_the_export_as_a_workbook_leaves_a_merged_record_out(tg: Harness) -> None:
    await seeded(tg)
    calls = await tg.send(OLGA, "/customers export")
    [sent] = calls
    assert isinstance(sent, SendDocument)
    assert sent.caption is not None and sent.caption.startswith("2 customers. Edit the file")
    document = document_of(calls)
    assert document.filename == "customers-2026-03-02.xlsx"
    sheet = load_workbook(io.BytesIO(document.data)).active
    assert sheet is not None
    assert [list(line) for line in sheet.iter_rows(values_only=True)] == [
        HEADERS,
        [1, "Leyla", None, None, None, None, None, None, None, None, None, "Telegram",
         CREATED, 1, CREATED],
        [2, "Rauf", RAUF_PHONE, "+994551112233", "rauf@example.com", "Rauf MMC",
         "Baku, Nizami 5", "az", datetime(1990, 12, 31), "vip, wholesale",
         "Calls after 18:00", "phone call", CREATED, 0, CREATED],
    ]  # fmt: skip


async def test_the_export_as_csv(tg: Harness) -> None:
    await seeded(tg)
    document = document_of(await tg.send(OLGA, "/customers export csv"))
    assert document.filename == "customers-2026-03-02.csv"
    assert document.data.decode("utf-8-sig").splitlines() == [
        ",".join(HEADERS),
        "1,Leyla,,,,,,,,,,Telegram,2026-03-02 13:00,1,2026-03-02 13:00",
        "2,Rauf,+994501234567,+994551112233,rauf@example.com,Rauf MMC,"
        '"Baku, Nizami 5",az,1990-12-31,"vip, wholesale",Calls after 18:00,phone call,'
        "2026-03-02 13:00,0,2026-03-02 13:00",
    ]


async def test_an_export_sent_back_as_it_is_changes_no_detail(tg: Harness) -> None:
    await seeded(tg)
    before = await written(tg)
    book = document_of(await tg.send(OLGA, "/customers export"))
    await tg.send(OLGA, "/customers import")
    _got, done = await tg.send_file(OLGA, book.data, "customers.xlsx")
    assert done.text == "The customers are imported.\n0 customers added\n2 customers updated"
    again = document_of(await tg.send(OLGA, "/customers export"))
    assert _cells(again.data) == _cells(book.data)
    customers, phones, tags, history = await written(tg)
    assert (customers, phones, tags, history) == (*before[:3], before[3] + 3)


def _cells(data: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


async def test_a_name_that_starts_like_a_formula_stays_a_text(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        session.add(Customer(name="=HYPERLINK(1)", source="web", created_at=tg.clock.now()))
        await session.commit()
    book = document_of(await tg.send(OLGA, "/customers export"))
    sheet = load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=HYPERLINK(1)", "s")
    table = document_of(await tg.send(OLGA, "/customers export csv"))
    [_header, line] = table.data.decode("utf-8-sig").splitlines()
    assert line.startswith("1,'=HYPERLINK(1),")

    # Sent back, the quote is taken off again.
    await tg.send(OLGA, "/customers import")
    await tg.send_file(OLGA, table.data, "customers.csv")
    async with tg.app.sessions() as session:
        customer = await session.get_one(Customer, 1)
        assert (customer.name, customer.version) == ("=HYPERLINK(1)", 2)


async def test_managers_customers_and_forged_files_are_refused(tg: Harness) -> None:
    await seeded(tg)
    await make_manager(tg, 202, "Bako")
    for command in ("/customers export", "/customers export csv", "/customers import"):
        [refused] = await tg.send(ANNA, command)
        assert isinstance(refused, SendMessage) and refused.text == "Sorry, you can't do that."
        calls = await tg.send(LEYLA, command)
        assert not any(isinstance(call, SendDocument) for call in calls)
    before = await written(tg)
    # A file no step asked for is not read, whoever sends it.
    for sender in (ANNA, LEYLA, OLGA):
        calls = await tg.send_file(sender, xlsx([["name"], ["Nigar"]]), "customers.xlsx")
        assert not any(isinstance(call, GetFile) for call in calls)
    assert await written(tg) == before
