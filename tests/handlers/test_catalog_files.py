"""The catalog as an .xlsx file from the owner's buttons: the export and the template sent as
documents, a filled file imported whole or refused with every mistake, and managers refused."""

from __future__ import annotations

import io

from aiogram.methods import AnswerCallbackQuery, GetFile, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook

from bot.i18n import create_i18n
from presentation.catalog_files import CatalogFileAction, CatalogFileCb, file_buttons
from services.catalog_sheet import COLUMNS
from services.workbooks import MAX_BYTES
from tests.support.calls import answer_of, without_answers
from tests.support.catalog_files import counts, row, seed_catalog, xlsx
from tests.support.deals import ANNA, OLGA, make_manager
from tests.support.harness import Harness

EXPORT = CatalogFileCb(action=CatalogFileAction.EXPORT).pack()
TEMPLATE = CatalogFileCb(action=CatalogFileAction.TEMPLATE).pack()
IMPORT = CatalogFileCb(action=CatalogFileAction.IMPORT).pack()
ASKED = (
    "Send the catalog as an .xlsx document. Every row is checked first: if any is wrong, "
    "nothing is changed and each mistake is named. /cancel to stop."
)
AGAIN = "Nothing was changed. Fix the file and send it again, or /cancel."


async def seeded(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        await seed_catalog(session, tg.clock.now())


async def catalog_counts(tg: Harness) -> tuple[int, int]:
    async with tg.app.sessions() as session:
        return await counts(session)


def test_the_buttons_for_the_owners_catalog() -> None:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        rows = file_buttons()
    assert [[(b.text, b.callback_data) for b in line] for line in rows] == [
        [("📤 Export .xlsx", "cf:e"), ("📄 Template", "cf:t")],
        [("📥 Import .xlsx", "cf:i")],
    ]


async def test_the_export_and_the_template_are_sent_as_documents(tg: Harness) -> None:
    await seeded(tg)
    calls = await tg.press(OLGA, EXPORT)
    assert isinstance(answer_of(calls), AnswerCallbackQuery)
    [sent] = without_answers(calls)
    assert isinstance(sent, SendDocument) and sent.chat_id == OLGA.id
    assert isinstance(sent.document, BufferedInputFile)
    # 9:00 UTC is 13:00 in Baku, the business's zone.
    assert sent.document.filename == "catalog-2026-03-02.xlsx"
    assert sent.caption is not None and sent.caption.startswith("Every product of the catalog")
    sheet = load_workbook(io.BytesIO(sent.document.data)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert [line[2] for line in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Laminate 8 mm",
        "Parquet",
        "Oak door",
        "Delivery",
    ]

    [template] = without_answers(await tg.press(OLGA, TEMPLATE))
    assert isinstance(template, SendDocument)
    assert isinstance(template.document, BufferedInputFile)
    assert template.document.filename == "catalog-template.xlsx"
    assert load_workbook(io.BytesIO(template.document.data)).sheetnames == ["Catalog", "Units"]


async def test_a_bad_file_is_answered_with_its_mistakes_and_nothing_is_written(
    tg: Harness,
) -> None:
    await seeded(tg)
    [asked] = without_answers(await tg.press(OLGA, IMPORT))
    assert isinstance(asked, SendMessage) and asked.text == ASKED

    bad = xlsx(
        [
            row(name_en="Tiles", category_en="Walls"),
            row(name_en="Glue", price="12,5"),
            row(name_en="Paint", unit="bucket", active="maybe"),
        ]
    )
    got, refused = await tg.send_file(OLGA, bad, "catalog.xlsx")
    assert isinstance(got, GetFile) and isinstance(refused, SendMessage)
    assert refused.text == "\n".join(
        (
            "The catalog file can't be imported:",
            "Row 3, price: a price is a number like 25 or 1500.50, not below zero, with at "
            "most 2 decimal places.",
            "Row 4, unit: the unit must be one of piece, m, m2, m3, kg, l, h, set.",
            "Row 4, active: write yes or no.",
            AGAIN,
        )
    )
    assert await catalog_counts(tg) == (4, 2)

    # The step stays for the file put right.
    good = xlsx([row(name_en="Tiles", category_en="Walls"), row(code="D-1", name_en="Door")])
    _got, done = await tg.send_file(OLGA, good, "catalog.xlsx")
    assert done.text == (
        "The catalog is imported.\n"
        "1 product added\n"
        "1 product updated\n"
        "0 products the same as before\n"
        "1 category added"
    )
    assert await catalog_counts(tg) == (5, 3)
    [after] = await tg.send(OLGA, "here it is")
    assert after.text != "Send the catalog as an .xlsx document, or /cancel."


async def test_a_document_that_is_no_workbook_is_refused_before_it_is_downloaded(
    tg: Harness,
) -> None:
    await tg.press(OLGA, IMPORT)
    [not_xlsx] = await tg.send_file(OLGA, b"name,price\nTiles,12\n", "catalog.csv")
    assert not_xlsx.text == "This is not an .xlsx workbook (Excel Workbook).\n" + AGAIN
    [too_big] = await tg.send_file(OLGA, b"PK", "catalog.xlsx", size=MAX_BYTES + 1)
    assert too_big.text == "The file is too large: at most 2 MB.\n" + AGAIN
    _got, broken = await tg.send_file(OLGA, b"not a workbook", "catalog.xlsx")
    assert broken.text == "\n".join(
        (
            "The catalog file can't be imported:",
            "This is not an .xlsx workbook (Excel Workbook).",
            AGAIN,
        )
    )
    [words] = await tg.send(OLGA, "where?")
    assert words.text == "Send the catalog as an .xlsx document, or /cancel."

    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    calls = await tg.send_file(OLGA, xlsx([row()]), "catalog.xlsx")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await catalog_counts(tg) == (0, 0)


async def test_a_manager_pressing_the_buttons_is_refused(tg: Harness) -> None:
    await seeded(tg)
    await make_manager(tg)
    for data in (EXPORT, TEMPLATE, IMPORT):
        calls = await tg.press(ANNA, data)
        refused = answer_of(calls)
        assert (refused.text, refused.show_alert) == ("Sorry, you can't do that.", True)
        assert without_answers(calls) == []
    calls = await tg.send_file(ANNA, xlsx([row()]), "catalog.xlsx")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await catalog_counts(tg) == (4, 2)
