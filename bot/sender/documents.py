"""A document to the customer (by Telegram's file id once it went up, else its bytes), with
✅ Accept and ❓ Ask a question; and the manager told that the customer accepted one."""

from __future__ import annotations

from html import escape

from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.documents.layout import title
from presentation.documents.screen import answer_keyboard, sent_caption
from presentation.tasks import open_deal_button
from services.db.documents import Document
from services.db.outbox import Outbox
from services.errors import NotFound

KINDS = ("document", "document_accepted")


async def render(session: AsyncSession, row: Outbox) -> list[TelegramMethod[Message]]:
    document = await session.get(Document, row.payload["document_id"])
    if document is None:
        raise NotFound()
    if row.kind == "document_accepted":
        text = _("✅ The customer accepted {document} of request #{number}.").format(
            document=escape(title(document)), number=document.deal_id
        )
        markup = InlineKeyboardMarkup(inline_keyboard=[[open_deal_button(document.deal_id)]])
        return [SendMessage(chat_id=row.chat_id, text=text, reply_markup=markup)]
    file: str | InputFile
    if document.file_id is not None:
        file = document.file_id
    elif document.data is not None:
        file = BufferedInputFile(document.data, filename=f"{document.number}.pdf")
    else:
        raise NotFound()
    return [
        SendDocument(
            chat_id=row.chat_id,
            document=file,
            caption=sent_caption(document),
            reply_markup=answer_keyboard(document.id),
        )
    ]
