"""Outbox rows about discounts above a manager's limit: the owners' question with its buttons,
the answer to the manager who asked, and the word to a manager whose discounts went back to the
owners when someone else changed the items. What is no longer so renders to nothing."""

from __future__ import annotations

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from presentation.deals.card import Reader, money
from presentation.discounts import asked_keyboard, asked_text, decided_text, held_text
from services.db.outbox import Outbox
from services.discount_limits import HELD
from services.discounts import ASKED
from services.item_views import PENDING, deal_items

KINDS = (ASKED, "discount_decided", HELD)


async def render(
    session: AsyncSession, row: Outbox, reader: Reader
) -> list[TelegramMethod[Message]]:
    deal_id = int(row.payload["deal_id"])
    shown = await deal_items(session, deal_id)
    if row.kind == HELD:
        # Told while one of theirs still waits.
        user_id = row.payload["user_id"]
        if not any(d.by_id == user_id for d in shown.pending):
            return []
        text = held_text(deal_id, money(shown.totals.total, reader))
        return [SendMessage(chat_id=row.chat_id, text=text)]
    if row.kind != ASKED:
        total = money(shown.totals.total, reader)
        text = decided_text(deal_id, bool(row.payload["approved"]), total)
        return [SendMessage(chat_id=row.chat_id, text=text)]
    asked = next((d for d in shown.pending if d.discount_id == row.payload["discount_id"]), None)
    if asked is None or asked.state != PENDING:
        return []
    return [
        SendMessage(
            chat_id=row.chat_id,
            text=asked_text(shown, asked, reader, bool(row.payload.get("again"))),
            reply_markup=asked_keyboard(asked, deal_id),
        )
    ]
