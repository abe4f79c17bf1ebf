"""A deal's documents: made from its items with one press (laid out in a separate process,
with no database connection held meanwhile), handed to the staff member, sent to the
customer; and the customer's ✅ Accept and ❓ Ask a question under a document."""

from __future__ import annotations

from contextlib import suppress

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.documents import pdf
from presentation.documents.callbacks import AnswerAction, AnswerCb, DocAction, DocCb
from presentation.documents.contract_context import contract_context
from presentation.documents.layout import filename, layout, title
from presentation.documents.screen import (
    documents_keyboard,
    documents_text,
    paid_prompt,
    paid_text,
    staff_caption,
)
from services import (
    company_details,
    contract_files,
    contract_templates,
    documents,
    payments,
    processes,
)
from services.amounts import parse_amount
from services.conversation import get_deal
from services.db.documents import Document
from services.db.users import User
from services.errors import ErrorCode, InvalidInput, NotFound

RETRYABLE = frozenset({ErrorCode.AMOUNT, ErrorCode.NEGATIVE_AMOUNT})
MADE = {
    DocAction.QUOTE: documents.QUOTE,
    DocAction.INVOICE: documents.INVOICE,
    DocAction.CONTRACT: documents.CONTRACT,
}


class PaymentInput(StatesGroup):
    amount = State()


class PaidFor(Payload):
    """PaymentInput.amount: the deal a payment is marked on."""

    deal_id: int


@on_press
async def listed(press: Press[DocCb]) -> None:
    await _show_list(press, press.data.ref)


async def _show_list(press: Press[DocCb], deal_id: int) -> None:
    shown = await documents.of_deal(press.session, press.actor, deal_id)
    deal = await get_deal(press.session, deal_id)
    left = await payments.balance(press.session, deal)
    await press.show(
        documents_text(deal_id, shown, left, press.reader),
        documents_keyboard(deal_id, deal.version, shown),
    )


@on_press
async def ask_paid(press: Press[DocCb]) -> None:
    deal = await get_deal(press.session, press.data.ref)
    await documents.of_deal(press.session, press.actor, deal.id)
    left = await payments.balance(press.session, deal)
    await press.ask(
        PaymentInput.amount,
        paid_prompt(deal.id, left, press.reader),
        PaidFor(deal_id=deal.id),
    )


@on_words
async def paid_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(PaidFor)
        amount = parse_amount(words.text, words.actor.locale)
        recorded = await payments.record(
            words.session, asked.deal_id, amount, payments.MANUAL, words.now, actor=words.actor
        )
    reader = reader_of(words.settings, words.actor, words.now)
    await words.message.answer(paid_text(asked.deal_id, amount, recorded.balance, reader))


@on_press
async def make(press: Press[DocCb]) -> None:
    kind = MADE[press.data.action]
    locale = press.settings.default_locale
    made = await documents.make(
        press.session, press.actor, press.data.ref, kind, locale, press.now
    )
    await _ready(press, made.document)
    await _hand_over(press, made.document, staff_caption(made.document, made.new))
    await _show_list(press, made.document.deal_id)


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
    await _show_list(press, document.deal_id)


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
        except contract_templates.TemplateInvalid as error:
            raise InvalidInput(ErrorCode.TEMPLATE_FILL) from error
    else:
        logo = await company_details.logo(press.session)
        await press.session.commit()
        data = await processes.run(
            pdf.render, layout(document, logo), press.settings.document_templates
        )
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


@on_press
async def accept(press: Press[AnswerCb]) -> None:
    user = await press.session.get(User, press.actor.user_id)
    if user is None:
        raise NotFound()
    accepted = await documents.accept(press.session, user, press.data.document_id, press.now)
    document = accepted.document
    press.answer.text = _("✅ Thank you! {document} is accepted.").format(document=title(document))
    press.answer.show_alert = not accepted.already
    if press.message is not None and not accepted.already:
        # The message may be too old to edit: the acceptance stands all the same.
        with suppress(TelegramBadRequest):
            await press.message.edit_reply_markup(reply_markup=None)


@on_press
async def ask(press: Press[AnswerCb]) -> None:
    await documents.check_customer(press.session, press.actor.user_id, press.data.document_id)
    if press.message is not None:
        await press.message.answer(
            _("Write your question here in the chat: your manager will answer it.")
        )


def router() -> Router:
    router = Router(name="deal_documents")
    router.callback_query.register(listed, DocCb.filter(F.action == DocAction.LIST))
    router.callback_query.register(make, DocCb.filter(F.action.in_(list(MADE))))
    router.callback_query.register(file, DocCb.filter(F.action == DocAction.FILE))
    router.callback_query.register(send, DocCb.filter(F.action == DocAction.SEND))
    router.callback_query.register(ask_paid, DocCb.filter(F.action == DocAction.PAID))
    router.message.register(
        paid_typed, StateFilter(PaymentInput.amount), Has("text"), NotCommand()
    )
    router.message.register(not_text, StateFilter(PaymentInput.amount), NotCommand())
    router.callback_query.register(accept, AnswerCb.filter(F.action == AnswerAction.ACCEPT))
    router.callback_query.register(ask, AnswerCb.filter(F.action == AnswerAction.ASK))
    return router
