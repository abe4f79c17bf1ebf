"""Outbox rows rendered into Bot API calls, in the recipient's language at send time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.methods import (
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender import digests, discounts, documents, feedback, order_status, reminders
from presentation import keyboards, render
from presentation.assignment import fallback_text
from presentation.deals.card import Reader, card_text
from presentation.deals.keyboard import card_keyboard
from services.access import OWNER
from services.db.deals import Deal, Stage
from services.db.outbox import Outbox
from services.db.users import User
from services.errors import NotFound
from services.views import DealCard, MessageView, deal_cards, message_view, user_name

TEXT_CHUNK = 3500
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Outgoing:
    method: TelegramMethod[Message]
    deal_id: int | None = None
    # Made instead of `method` when set; `method` is sent only if Telegram refuses the edit
    # (a message too old, or deleted).
    edit: EditMessageText | None = None


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    row: Outbox
    zone: ZoneInfo
    locale: str
    now: datetime
    currency: str
    recipient: User | None
    # The deal cards the rows being rendered show, read together beforehand (`cards_for`).
    cards: Mapping[int, DealCard]


Renderer = Callable[[Context], Awaitable[list[Outgoing]]]


async def cards_for(session: AsyncSession, rows: Sequence[Outbox]) -> dict[int, DealCard]:
    """The cards that these rows show, in one read rather than one per row."""
    shown = {r.payload["deal_id"] for r in rows if r.kind in ("deal_card", "card_redraw")}
    return await deal_cards(session, shown)


def reader_for(ctx: Context) -> Reader:
    recipient = ctx.recipient
    is_owner = recipient is not None and recipient.role == OWNER
    user_id = recipient.id if recipient is not None else 0
    return Reader(ctx.zone, ctx.locale, ctx.currency, ctx.now, is_owner, user_id)


async def _deal_card(ctx: Context) -> list[Outgoing]:
    card = ctx.cards.get(ctx.row.payload["deal_id"])
    if card is None:
        raise NotFound()
    reader = reader_for(ctx)
    method = SendMessage(
        chat_id=ctx.row.chat_id,
        text=card_text(card, reader),
        reply_markup=card_keyboard(card, reader),
    )
    return [Outgoing(method, card.deal_id)]


async def _confirmation(ctx: Context) -> list[Outgoing]:
    number, manager = ctx.row.payload["deal_id"], ctx.row.payload.get("manager")
    if manager:
        text = _("Request #{number} received — {manager} will contact you.").format(
            number=number, manager=escape(manager)
        )
    else:
        text = _("Request #{number} received — we will contact you soon.").format(number=number)
    # The phone number's keyboard, if the request asked for one, is done with.
    method = SendMessage(chat_id=ctx.row.chat_id, text=text, reply_markup=ReplyKeyboardRemove())
    return [Outgoing(method, number)]


async def _stage_notice(ctx: Context) -> list[Outgoing]:
    stage = await ctx.session.get(Stage, ctx.row.payload["stage_id"])
    if stage is None:
        raise NotFound()
    deal = await ctx.session.get(Deal, ctx.row.payload["deal_id"])
    if deal is None:
        raise NotFound()
    text = _("Your request #{number} is now: {stage}").format(
        number=deal.id, stage=escape(render.stage_name(stage.names, ctx.locale))
    )
    # With what the customer needs at this step.
    found = await order_status.status(ctx.session, deal, ctx.row.chat_id, ctx.locale, ctx.currency)
    message = SendMessage(
        chat_id=ctx.row.chat_id, text="\n".join([text, *found.lines]), reply_markup=found.markup
    )
    return [Outgoing(message), *(Outgoing(method) for method in found.then)]


async def _delivery(ctx: Context) -> list[Outgoing]:
    methods = await order_status.render_delivery(ctx.session, ctx.row, ctx.locale, ctx.currency)
    return [Outgoing(method, ctx.row.payload["deal_id"]) for method in methods]


async def _deal_media(ctx: Context) -> list[Outgoing]:
    view = await message_view(ctx.session, ctx.row.payload["message_id"])
    header = _("<b>#{number}</b>").format(number=view.deal_id)
    return _relay(ctx.row.chat_id, view, header, keyboards.reply_only(view.deal_id))


async def _relay_in(ctx: Context) -> list[Outgoing]:
    view = await message_view(ctx.session, ctx.row.payload["message_id"])
    header = _("💬 <b>#{number} · {name}</b>").format(
        number=view.deal_id, name=escape(view.customer_name)
    )
    return _relay(ctx.row.chat_id, view, header, keyboards.reply_only(view.deal_id))


async def _relay_out(ctx: Context) -> list[Outgoing]:
    view = await message_view(ctx.session, ctx.row.payload["message_id"])
    header = _("<b>{name}</b>, request #{number}:").format(
        name=escape(view.author_first_name), number=view.deal_id
    )
    return [Outgoing(o.method) for o in _relay(ctx.row.chat_id, view, header, None)]


def _relay(
    chat_id: int, view: MessageView, header: str, markup: InlineKeyboardMarkup | None
) -> list[Outgoing]:
    """A relayed message keeps every character: long text is split, never cut."""
    if view.kind == "text" or view.file_id is None:
        chunks = [view.text[i : i + TEXT_CHUNK] for i in range(0, len(view.text), TEXT_CHUNK)]
        return [
            Outgoing(
                SendMessage(
                    chat_id=chat_id, text=f"{header}\n{escape(chunk)}", reply_markup=markup
                ),
                view.deal_id,
            )
            for chunk in chunks or [""]
        ]
    room = CAPTION_LIMIT - len(header) - 1
    caption, rest = view.text[:room], view.text[room:]
    full_caption = f"{header}\n{escape(caption)}" if caption else header
    media: TelegramMethod[Message]
    if view.kind == "photo":
        media = SendPhoto(
            chat_id=chat_id, photo=view.file_id, caption=full_caption, reply_markup=markup
        )
    else:
        media = SendDocument(
            chat_id=chat_id, document=view.file_id, caption=full_caption, reply_markup=markup
        )
    out = [Outgoing(media, view.deal_id)]
    if rest:
        tail = MessageView(view.deal_id, "text", rest, None, "", "")
        out += _relay(chat_id, tail, header, markup)
    return out


async def _manager_joined(ctx: Context) -> list[Outgoing]:
    name = await user_name(ctx.session, ctx.row.payload["user_id"])
    text = _("🎉 {name} joined the team as a manager.").format(name=escape(name))
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text))]


async def _no_manager(ctx: Context) -> list[Outgoing]:
    payload = ctx.row.payload
    name = await user_name(ctx.session, payload["user_id"])
    text = fallback_text(payload["deal_id"], payload["reason"], name)
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text), payload["deal_id"])]


async def _access_revoked(ctx: Context) -> list[Outgoing]:
    text = _("The owner has turned off your manager access. Your open requests were handed over.")
    return [Outgoing(SendMessage(chat_id=ctx.row.chat_id, text=text))]


async def _digest(ctx: Context) -> list[Outgoing]:
    methods = await digests.render(ctx.session, ctx.row, ctx.zone, ctx.locale, ctx.currency)
    return [Outgoing(method) for method in methods]


async def _discount(ctx: Context) -> list[Outgoing]:
    methods = await discounts.render(ctx.session, ctx.row, reader_for(ctx))
    return [Outgoing(method, ctx.row.payload["deal_id"]) for method in methods]


async def _document(ctx: Context) -> list[Outgoing]:
    methods = await documents.render(ctx.session, ctx.row, ctx.currency)
    return [Outgoing(method, ctx.row.payload["deal_id"]) for method in methods]


async def _payment(ctx: Context) -> list[Outgoing]:
    methods = await documents.render_payment(ctx.session, ctx.row, ctx.locale, ctx.currency)
    return [Outgoing(method, ctx.row.payload["deal_id"]) for method in methods]


async def _feedback(ctx: Context) -> list[Outgoing]:
    methods = await feedback.render(ctx.session, ctx.row)
    return [Outgoing(method, ctx.row.payload["deal_id"]) for method in methods]


async def _reminder(ctx: Context) -> list[Outgoing]:
    rendered = await reminders.render(ctx.session, ctx.row, ctx.zone, ctx.locale, ctx.now)
    return [Outgoing(method, deal_id) for method, deal_id in rendered]


RENDERERS: dict[str, Renderer] = {
    "confirmation": _confirmation,
    "deal_card": _deal_card,
    "deal_media": _deal_media,
    "relay_in": _relay_in,
    "relay_out": _relay_out,
    "manager_joined": _manager_joined,
    "access_revoked": _access_revoked,
    "no_manager": _no_manager,
    "stage_notice": _stage_notice,
    "digest": _digest,
    "delivery": _delivery,
    **dict.fromkeys(reminders.KINDS, _reminder),
    **dict.fromkeys(discounts.KINDS, _discount),
    **dict.fromkeys(documents.KINDS, _document),
    **dict.fromkeys(documents.PAYMENT_KINDS, _payment),
    **dict.fromkeys(feedback.KINDS, _feedback),
}
