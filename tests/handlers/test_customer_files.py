"""/customers export and /customers import: every customer the owner sees as .xlsx or CSV
(a merged-away record left out), a file imported whole or refused with each bad row named and
nothing written, and nobody but owners let in."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from aiogram.methods import GetFile, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from sqlalchemy import select

from presentation.customers import files
from services import customer_sheet
from services.catalog_sheet import MAX_BYTES
from services.customer_import import CUSTOMER_IMPORTED, IMPORTED
from services.db.customers import Customer, CustomerPhone, CustomerTag, TagName
from services.db.deals import Event
from tests.support.customer_files import RAUF_PHONE, seed_customers, state_of, xlsx
from tests.support.deals import ANNA, LEYLA, OLGA, make_manager, new_deal
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
ASKED = (
    "Send the customers as an .xlsx or .csv document, in the columns of /customers export. "
    "Every row is checked first: if any is wrong, nothing is changed and each mistake is "
    "named. /cancel to stop."
)
AGAIN = "Nothing was changed. Fix the file and send it again, or /cancel."
# 9:00 UTC is 13:00 in Baku, the business's zone.
CREATED = datetime(2026, 3, 2, 13, 0)


async def seeded(tg: Harness) -> None:
    """Leyla (1) wrote a request; Rauf (2) was entered with every detail; 3 merged into 2."""
    await new_deal(tg, LEYLA)
    async with tg.app.sessions() as session:
        await seed_customers(session, tg.clock.now())


async def written(tg: Harness) -> tuple[int, int, int, int]:
    async with tg.app.sessions() as session:
        return await state_of(session)


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
            "Row 5, id: there is no customer with this id; leave it blank to add a customer.",
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
    assert other.text == "This is not an .xlsx workbook or a UTF-8 .csv file.\n" + AGAIN
    [words] = await tg.send(OLGA, "where?")
    assert words.text == "Send the customers as an .xlsx or .csv document, or /cancel."
    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    calls = await tg.send_file(OLGA, xlsx([["name"], ["Nigar"]]), "customers.xlsx")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await written(tg) == before
