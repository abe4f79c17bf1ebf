"""The customer's buttons under a document sent to them (✅ Accept, ❓ Ask a question) and under
their order's status (the latest document again)."""

from __future__ import annotations

from contextlib import suppress

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from handlers.presses import Press, on_press
from presentation.documents.callbacks import AnswerAction, AnswerCb
from presentation.documents.layout import filename, title
from services import documents
from services.db.users import User
from services.errors import NotFound


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


@on_press
async def again(press: Press[AnswerCb]) -> None:
    """The document once more, as it was sent."""
    document = await documents.check_customer(
        press.session, press.actor.user_id, press.data.document_id
    )
    if press.message is None:
        return
    if document.file_id is not None:
        await press.message.answer_document(document.file_id, caption=title(document))
    elif document.data is not None:
        upload = BufferedInputFile(document.data, filename=filename(document))
        await press.message.answer_document(upload, caption=title(document))


def router() -> Router:
    router = Router(name="document_answers")
    router.callback_query.register(accept, AnswerCb.filter(F.action == AnswerAction.ACCEPT))
    router.callback_query.register(ask, AnswerCb.filter(F.action == AnswerAction.ASK))
    router.callback_query.register(again, AnswerCb.filter(F.action == AnswerAction.FILE))
    return router
