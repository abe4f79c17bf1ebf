"""/company: an owner sets the details documents print, per language, and the logo; a quote
then carries them in the customer's language."""

from __future__ import annotations

import io

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from matplotlib.figure import Figure
from sqlalchemy import select

from services.db.documents import CompanyDetails, CompanyLogo
from tests.handlers.test_documents import make_quote, pdf_text, uploaded
from tests.support.calls import answer_of, without_answers
from tests.support.deals import ANNA, OLGA
from tests.support.harness import Harness
from tests.support.items import ten_glue


def png() -> bytes:
    figure = Figure(figsize=(1, 1), dpi=40)
    figure.add_subplot().plot([0, 1], [1, 0])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def test_the_owner_sets_details_per_language_and_a_logo(tg: Harness) -> None:
    [screen] = await tg.send(OLGA, "/company")
    assert screen.text.splitlines()[0] == ("🏢 <b>Company details</b> for documents in English")
    [prompt] = without_answers(await tg.press(OLGA, "co:d:ru:0"))
    assert prompt.text == ("Send the name for documents in Русский. - clears it; /cancel stops.")
    [shown] = await tg.send(OLGA, "  ООО «Паркет Плюс»  ")
    assert "<b>Name:</b> ООО «Паркет Плюс»" in shown.text.splitlines()
    await tg.press(OLGA, "co:d:ru:2")
    [refused] = await tg.send(OLGA, "1234567890\n123")
    assert refused.text.startswith("That is too long, or empty.")
    # Asked again: the next answer is taken.
    await tg.send(OLGA, "1700123451")
    await tg.press(OLGA, "co:d:en:0")
    await tg.send(OLGA, "Parquet Plus LLC")
    tg.recorder.files["logo-1"] = png()
    await tg.press(OLGA, "co:g:en:0")
    [*_, done] = await tg.send(OLGA, photo="logo-1")
    assert "<b>Logo:</b> set" in done.text.splitlines()
    async with tg.app.sessions() as session:
        rows = {r.locale: r for r in await session.scalars(select(CompanyDetails))}
        logo = await session.get(CompanyLogo, 1)
    assert (rows["ru"].name, rows["ru"].tax_number) == ("ООО «Паркет Плюс»", "1700123451")
    assert rows["en"].name == "Parquet Plus LLC"
    assert logo is not None and logo.data == png()

    # Leyla reads Russian: her quote names the company in Russian and carries the logo.
    await ten_glue(tg)
    [handed, _screen] = await make_quote(tg)
    data = uploaded(tg, handed)
    text = pdf_text(data)
    assert "ООО «Паркет Плюс»" in text and "ИНН: 1700123451" in text
    page = pdfium.PdfDocument(data)[0]
    images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1


async def test_only_an_owner_sets_the_company(tg: Harness) -> None:
    await ten_glue(tg)
    [refused] = await tg.send(ANNA, "/company")
    assert refused.text == "Sorry, you can't do that."
    calls = await tg.press(ANNA, "co:d:en:0")
    assert answer_of(calls).text == "Sorry, you can't do that."
    async with tg.app.sessions() as session:
        assert list(await session.scalars(select(CompanyDetails))) == []
