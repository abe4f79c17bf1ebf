"""Managers and owners: duty, taking requests and answering customers through the bot."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.content import content_of
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import load, save
from handlers.readers import reader_of
from handlers.states import ReplyTo, StaffReply
from presentation.deals.callbacks import DealAction, DealCb
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from presentation.edits import edit_or_send
from presentation.replies import offered_keyboard, reply_prompt, sent_text
from services import conversation, outbox, quick_replies, users, views
from services.access import Actor, require_staff
from services.clock import Clock
from services.db.session import AsyncSession


async def duty(message: Message, session: AsyncSession, actor: Actor) -> None:
    require_staff(actor)
    on_duty = await users.toggle_duty(session, actor)
    if on_duty:
        await message.answer(_("You are on duty: new requests will come to you."))
    else:
        await message.answer(_("You are off duty: new requests go to others."))


async def take(
    query: CallbackQuery,
    callback_data: DealCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    taken = await conversation.take(session, actor, callback_data.deal_id, clock.now())
    if taken.already:
        callback_answer.text = _("This request is already yours.")
    else:
        callback_answer.text = _("You took request #{number}.").format(number=taken.deal_id)
    card = await views.deal_card(session, taken.deal_id)
    if isinstance(query.message, Message):
        reader = reader_of(settings, actor, clock.now())
        await edit_or_send(query.message, card_text(card, reader), card_keyboard(card, reader))


async def reply_button(
    query: CallbackQuery,
    callback_data: DealCb,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    """Asks for the reply, offering the quick replies in the customer's language."""
    deal_id = callback_data.deal_id
    offered = await quick_replies.offered(session, actor, deal_id, settings.default_locale)
    await state.set_state(StaffReply.writing)
    await save(state, ReplyTo(deal_id=deal_id))
    if isinstance(query.message, Message):
        await query.message.answer(
            reply_prompt(deal_id, offered), reply_markup=offered_keyboard(deal_id, offered)
        )


async def reply_written(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    deal_id = (await load(state, ReplyTo)).deal_id
    await conversation.staff_replies(session, actor, deal_id, content_of(message), clock.now())
    await state.clear()
    await message.answer(sent_text(deal_id))


async def native_reply(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert message.reply_to_message is not None
    deal_id = await outbox.deal_of_chat_message(
        session, message.chat.id, message.reply_to_message.message_id
    )
    if deal_id is None:
        await message.answer(
            _(
                "That message isn't linked to a request. "
                "Reply to a request card or to a customer's message."
            )
        )
        return
    await conversation.staff_replies(session, actor, deal_id, content_of(message), clock.now())
    await message.answer(sent_text(deal_id))


def router() -> Router:
    router = Router(name="staff")
    router.message.register(duty, Command("duty"))
    router.callback_query.register(take, DealCb.filter(F.action == DealAction.TAKE))
    router.callback_query.register(reply_button, DealCb.filter(F.action == DealAction.REPLY))
    router.message.register(reply_written, StateFilter(StaffReply.writing), NotCommand())
    router.message.register(native_reply, Staff(), Has("reply_to_message"))
    return router
