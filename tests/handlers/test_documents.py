"""A deal's quote and invoice: made from its items as a PDF in the customer's language,
handed to the manager, sent to the customer with ✅ Accept and ❓ Ask a question, accepted
there; a changed deal gets a new version under a new number, an unchanged one the same file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from sqlalchemy import select, update

from services import processes
from services.access import actor_of
from services.db.catalog import DealItem
from services.db.deals import Deal, Event
from services.db.documents import Document
from services.db.rules import DealTag
from services.db.users import User
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, BAKO, LEYLA, OLGA, make_manager
from tests.support.harness import Harness
from tests.support.items import ten_glue
from tests.support.rules import rule

SCREEN = 905


def pdf_text(data: bytes) -> str:
    """The text of every page, as a reader's PDF viewer finds it."""
    pdf = pdfium.PdfDocument(data)
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)


def uploaded(tg: Harness, call: SendDocument) -> bytes:
    assert isinstance(call.document, BufferedInputFile)
    return call.document.data


async def documents(tg: Harness) -> list[Document]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(Document).order_by(Document.id)))


async def make_quote(tg: Harness) -> list[Any]:
    return without_answers(await tg.press(ANNA, "dc:q:1", message_id=SCREEN))


async def test_a_quote_is_made_from_the_items_in_the_customers_language(tg: Harness) -> None:
    await ten_glue(tg)
    [handed, screen] = await make_quote(tg)
    assert isinstance(handed, SendDocument) and handed.chat_id == ANNA.id
    assert handed.caption == "Quote Q-2026-0001 is made. 📤 Send sends it to the customer."
    assert isinstance(handed.document, BufferedInputFile)
    assert handed.document.filename == "Q-2026-0001.pdf"
    # Leyla reads Russian: the document is in Russian, money in Russian digits.
    text = pdf_text(uploaded(tg, handed))
    assert "Q-2026-0001" in text
    assert "Skirting glue" in text
    assert "Коммерческое предложение Q-2026-0001" in text
    assert "Заявка №1" in text
    assert "70,00" in text
    assert screen.text.splitlines()[0] == "🗂 <b>Documents of request #1</b>"
    assert screen.text.splitlines()[2].startswith("<b>Quote Q-2026-0001</b> · ")
    assert buttons(screen) == [
        [("📄 Make a quote", "dc:q:1"), ("🧾 Make an invoice", "dc:i:1")],
        [("📝 Make a contract", "dc:c:1")],
        [("💳 Payment received", "dc:p:1"), ("🚚 Delivery", "dc:d:1")],
        [("⬇️ Q-2026-0001", "dc:f:1"), ("📤 Send Q-2026-0001", "dc:s:1")],
        [("« Back to the card", "dk:c:1:2:0")],
    ]
    [document] = await documents(tg)
    assert (document.kind, document.number, document.version, document.locale) == (
        "quote",
        "Q-2026-0001",
        1,
        "ru",
    )
    assert document.data == uploaded(tg, handed)
    # Telegram's id for the file is kept: it is never uploaded again.
    assert document.file_id is not None and document.file_id.startswith("uploaded-")
    async with tg.app.sessions() as session:
        kinds = list(await session.scalars(select(Event.to_value).where(Event.kind == "document")))
    assert kinds == ["Q-2026-0001"]


async def test_an_unchanged_deal_gives_the_same_document_and_a_changed_one_a_new_version(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    [first, _screen] = await make_quote(tg)
    [again, _screen] = await make_quote(tg)
    [kept] = await documents(tg)
    assert again.document == kept.file_id
    assert again.caption == "Nothing changed since Quote Q-2026-0001: here it is again."
    async with tg.app.sessions() as session:
        await session.execute(update(DealItem).values(quantity=12))
        await session.commit()
    [changed, _screen] = await make_quote(tg)
    assert changed.caption == (
        "Quote Q-2026-0002 (version 2) is made. 📤 Send sends it to the customer."
    )
    assert "84,00" in pdf_text(uploaded(tg, changed))
    old, new = await documents(tg)
    # The first version is kept as it was made.
    assert (old.number, old.version, old.data) == ("Q-2026-0001", 1, uploaded(tg, first))
    assert (new.number, new.version) == ("Q-2026-0002", 2)
    # An invoice has numbers of its own.
    [invoice, _screen] = without_answers(await tg.press(ANNA, "dc:i:1", message_id=SCREEN))
    assert invoice.caption == "Invoice INV-2026-0001 is made. 📤 Send sends it to the customer."


async def test_a_request_without_items_has_no_document_and_a_stranger_none_at_all(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    await make_manager(tg, BAKO.id, "Bako")
    calls = await tg.press(BAKO, "dc:q:1", message_id=SCREEN)
    assert answer_of(calls).text == "Sorry, you can't do that."
    assert without_answers(calls) == []
    async with tg.app.sessions() as session:
        await session.execute(DealItem.__table__.delete())
        await session.commit()
    calls = await tg.press(ANNA, "dc:q:1", message_id=SCREEN)
    assert answer_of(calls).text == "Add items to the request first: a document lists them."
    assert await documents(tg) == []


async def test_the_customer_gets_the_document_and_accepts_it_once(tg: Harness) -> None:
    await ten_glue(tg)
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert olga is not None
        await rule(
            session,
            actor_of(olga, "en"),
            tg.clock,
            when={"event": "quote_accepted"},
            then=[{"do": "tag", "tag": "agreed"}],
        )
    await make_quote(tg)
    calls = await tg.press(ANNA, "dc:s:1", message_id=SCREEN)
    assert answer_of(calls).text == "📤 Quote Q-2026-0001 is on its way to the customer."
    [sent] = sent_to(await tg.deliver(), LEYLA.id)
    [kept] = await documents(tg)
    assert isinstance(sent, SendDocument) and sent.document == kept.file_id
    assert buttons(sent) == [[("✅ Принять", "da:a:1"), ("❓ Задать вопрос", "da:q:1")]]
    # Someone else's press with the same data is refused and records nothing.
    calls = await tg.press(BAKO, "da:a:1")
    assert answer_of(calls).text == "Sorry, you can't do that."
    calls = await tg.press(LEYLA, "da:a:1", message_id=77)
    answer = answer_of(calls)
    assert answer.show_alert and "Q-2026-0001" in (answer.text or "")
    [accepted] = await documents(tg)
    assert accepted.accepted_at == tg.clock.now()
    async with tg.app.sessions() as session:
        leyla = await session.scalar(select(User.id).where(User.tg_id == LEYLA.id))
        assert accepted.accepted_by == leyla
        deal = await session.get_one(Deal, 1)
        events = list(await session.scalars(select(Event.kind).where(Event.deal_id == 1)))
    assert "document_accepted" in events
    told = sent_to(await tg.deliver(), ANNA.id)
    assert [c.text for c in told if isinstance(c, SendMessage)] == [
        "✅ The customer accepted Quote Q-2026-0001 of request #1."
    ]
    # The rule acted on the acceptance.
    async with tg.app.sessions() as session:
        tags = list(await session.scalars(select(DealTag.tag).where(DealTag.deal_id == deal.id)))
    assert tags == ["agreed"]
    # A second press changes nothing.
    calls = await tg.press(LEYLA, "da:a:1")
    assert not answer_of(calls).show_alert
    assert (await documents(tg))[0].accepted_at == accepted.accepted_at


async def test_a_replaced_version_can_no_longer_be_accepted(tg: Harness) -> None:
    await ten_glue(tg)
    await make_quote(tg)
    await tg.press(ANNA, "dc:s:1", message_id=SCREEN)
    async with tg.app.sessions() as session:
        await session.execute(update(DealItem).values(quantity=3))
        await session.commit()
    await make_quote(tg)
    await tg.press(ANNA, "dc:s:2", message_id=SCREEN)
    # A third version, made and not sent: the second still replaces the first.
    async with tg.app.sessions() as session:
        await session.execute(update(DealItem).values(quantity=4))
        await session.commit()
    await make_quote(tg)
    calls = await tg.press(LEYLA, "da:a:1")
    assert answer_of(calls).text == (
        "Этот документ заменён новой версией. Пожалуйста, посмотрите последнюю."
    )
    assert [d.accepted_at for d in await documents(tg)] == [None, None, None]


async def test_a_document_that_cannot_be_made_is_answered_and_made_on_the_next_press(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ten_glue(tg)
    working = processes.run

    async def failing(work: Any, *args: object) -> Any:
        raise ValueError("the business's template fails")

    monkeypatch.setattr(processes, "run", failing)
    calls = await tg.press(ANNA, "dc:q:1", message_id=SCREEN)
    assert answer_of(calls).text == (
        "The document could not be made: the company's document template fails. "
        "Nothing was sent; try again once it is mended."
    )
    assert without_answers(calls) == []
    monkeypatch.setattr(processes, "run", working)
    [handed, _screen] = await make_quote(tg)
    # The same document, its number kept.
    assert handed.caption == "Quote Q-2026-0001 is made. 📤 Send sends it to the customer."
    assert [(d.number, d.data is not None) for d in await documents(tg)] == [("Q-2026-0001", True)]


async def test_a_document_bears_the_year_of_its_date_in_the_companys_time_zone(
    tg: Harness,
) -> None:
    await ten_glue(tg)
    # 22:30 UTC on 31 December is 02:30 on 1 January in Baku.
    tg.clock.advance(datetime(2026, 12, 31, 22, 30, tzinfo=UTC) - tg.clock.now())
    [handed, _screen] = await make_quote(tg)
    assert handed.caption == "Quote Q-2027-0001 is made. 📤 Send sends it to the customer."
    assert "1 января 2027" in pdf_text(uploaded(tg, handed))
