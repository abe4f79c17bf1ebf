"""A deal's documents: made from its items with one press (laid out in a separate process,
with no database connection held meanwhile), handed to the staff member, sent to the
customer; and the customer's ✅ Accept and ❓ Ask a question under a document."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from handlers.presses import Press, on_press
from presentation.documents import pdf
from presentation.documents.callbacks import DocAction, DocCb
from presentation.documents.contract_context import contract_context
from presentation.documents.layout import filename, layout, title
from presentation.documents.screen import (
    documents_keyboard,
    documents_text,
    staff_caption,
)
from services import (
    company_details,
    contract_files,
    contract_templates,
    deliveries,
    documents,
    paid,
    processes,
)
from services.conversation import get_deal
from services.db.documents import Document
from services.errors import ErrorCode, InvalidInput

log = logging.getLogger(__name__)
MADE = {
    DocAction.QUOTE: documents.QUOTE,
    DocAction.INVOICE: documents.INVOICE,
    DocAction.CONTRACT: documents.CONTRACT,
}


@on_press
async def listed(press: Press[DocCb]) -> None:
    await show_list(press, press.data.ref)


async def show_list(press: Press[DocCb], deal_id: int) -> None:
    shown = await documents.of_deal(press.session, press.actor, deal_id)
    deal = await get_deal(press.session, deal_id)
    left = await paid.balance(press.session, deal)
    delivery = await deliveries.of_deal(press.session, deal_id)
    await press.show(
        documents_text(deal_id, shown, left, delivery, press.reader),
        documents_keyboard(deal_id, deal.version, shown),
    )


@on_press
async def make(press: Press[DocCb]) -> None:
    kind = MADE[press.data.action]
    locale = press.settings.default_locale
    made = await documents.make(
        press.session, press.actor, press.data.ref, kind, locale, press.now
    )
    # Made now, also when an earlier press took its number and could not make the file.
    first = made.new or made.document.data is None
    await _ready(press, made.document)
    await _hand_over(press, made.document, staff_caption(made.document, first))
    await show_list(press, made.document.deal_id)


@on_press
async def file(press: Press[DocCb]) -> None:
    document = await documents.get(press.session, press.actor, press.data.ref)
    await _ready(press, document)
    await _hand_over(press, document, title(document))


@on_press
async def send(press: Press[DocCb]) -> None:
    document = await documents.get(press.session, press.actor, press.data.ref)
    await _ready(press, document)
    await documents.send(press.session, press.actor, document.id, press.now)
    press.answer.text = _("📤 {document} is on its way to the customer.").format(
        document=title(document)
    )
    await show_list(press, document.deal_id)


async def _ready(press: Press[DocCb], document: Document) -> None:
    """The file made, once, in the worker process while no connection is held: a PDF laid
    out, or the owner's Word template filled in."""
    if document.data is not None or document.file_id is not None:
        return
    if document.kind == documents.CONTRACT:
        template = await contract_files.used_by(press.session, document)
        await press.session.commit()
        try:
            data = await processes.run(
                contract_templates.fill, template.data, contract_context(document)
            )
        except Exception as error:  # what the template does with the values can fail
            log.exception("contract %s not made", document.number)
            raise InvalidInput(ErrorCode.TEMPLATE_FILL) from error
    else:
        logo = await company_details.logo(press.session)
        await press.session.commit()
        try:
            data = await processes.run(
                pdf.render, layout(document, logo), press.settings.document_templates
            )
        except Exception as error:  # a business's own template can fail in many ways
            log.exception("document %s not made", document.number)
            raise InvalidInput(ErrorCode.DOCUMENT_FAILED) from error
    await documents.keep_pdf(press.session, document, data)


async def _hand_over(press: Press[DocCb], document: Document, caption: str) -> None:
    """The file in the staff member's chat; its file id kept the first time it goes up."""
    if press.message is None:
        return
    if document.file_id is not None:
        await press.message.answer_document(document.file_id, caption=caption)
        return
    assert document.data is not None
    upload = BufferedInputFile(document.data, filename=filename(document))
    sent = await press.message.answer_document(upload, caption=caption)
    if sent.document is not None:
        await documents.keep_file_id(press.session, document, sent.document.file_id)


def router() -> Router:
    router = Router(name="deal_documents")
    router.callback_query.register(listed, DocCb.filter(F.action == DocAction.LIST))
    router.callback_query.register(make, DocCb.filter(F.action.in_(list(MADE))))
    router.callback_query.register(file, DocCb.filter(F.action == DocAction.FILE))
    router.callback_query.register(send, DocCb.filter(F.action == DocAction.SEND))
    return router
