"""Contracts from the owner's own Word file: given in /company (checked: what Axın can't fill
is named and nothing kept), then made for a deal with one press, in the customer's language,
a row per item."""

from __future__ import annotations

import io

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from docx import Document as Word
from sqlalchemy import select

from services.db.documents import ContractTemplate, Document
from tests.support.calls import answer_of, without_answers
from tests.support.deals import ANNA, OLGA
from tests.support.harness import Harness
from tests.support.items import SCREEN, ten_glue
from tests.support.word import template, texts


async def templates(tg: Harness) -> list[ContractTemplate]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(ContractTemplate)))


async def give(tg: Harness, data: bytes) -> str:
    calls = await tg.send_file(OLGA, data, "contract.docx")
    return calls[-1].text


async def test_the_owner_gives_a_template_and_a_manager_makes_a_contract(tg: Harness) -> None:
    await ten_glue(tg)
    calls = await tg.press(ANNA, "dc:c:1", message_id=SCREEN)
    assert answer_of(calls).text == (
        "There is no contract template yet: the owner sends one in /company."
    )
    [prompt] = without_answers(await tg.press(OLGA, "co:t:en:0"))
    assert prompt.text.startswith("Send your contract as a Word file (.docx).")
    assert "<code>{{ customer.name }}</code>" in prompt.text
    said = await give(tg, template("Total {{ deal.totl }} for {{ foo }}"))
    assert said == (
        "Nothing was saved: the template names what I can't fill in: "
        "<code>deal.totl</code>, <code>foo</code>. Correct them and send the file again, "
        "or /cancel."
    )
    said = await give(tg, b"PK not a word file")
    assert said.startswith("That is not a Word file (.docx) I can read")
    said = await give(tg, template("Total {{ deal.total }"))
    assert said.startswith("Nothing was saved: the template has a mistake:")
    # What fails only when filled is found with sample values before the template is kept.
    said = await give(tg, template("Total {{ deal.total + 1 }}"))
    assert said.startswith("Nothing was saved: the template fails when filled in:")
    assert await templates(tg) == []
    said = await give(tg, template("Total {{ deal.total }}, manager {{ deal.manager }}"))
    assert said == "✅ The contract template is saved. It fills in 10 placeholders."

    [handed, _screen] = without_answers(await tg.press(ANNA, "dc:c:1", message_id=SCREEN))
    assert isinstance(handed, SendDocument)
    assert handed.caption == "Contract C-2026-0001 is made. 📤 Send sends it to the customer."
    assert isinstance(handed.document, BufferedInputFile)
    assert handed.document.filename == "C-2026-0001.docx"
    data = handed.document.data
    # Leyla reads Russian: the money is written the Russian way.
    assert texts(data)[:3] == [
        "Contract C-2026-0001 of 2 марта 2026\u202fг.",
        "Total 70,00\xa0AZN, manager Anna",
        "Customer: Leyla",
    ]
    [table] = Word(io.BytesIO(data)).tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Name", "Quantity", "Amount"],
        ["Skirting glue", "10", "70,00\xa0AZN"],
    ]
    async with tg.app.sessions() as session:
        [made] = list(await session.scalars(select(Document)))
    assert (made.kind, made.number, made.data) == ("contract", "C-2026-0001", data)


async def test_only_an_owner_gives_the_template(tg: Harness) -> None:
    await ten_glue(tg)
    calls = await tg.press(ANNA, "co:t:en:0")
    assert answer_of(calls).text == "Sorry, you can't do that."
    await tg.send_file(ANNA, template("{{ deal.total }}"), "contract.docx")
    assert await templates(tg) == []
