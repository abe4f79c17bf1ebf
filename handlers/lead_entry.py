"""A request entered from what staff send the bot: a contact from their phone book, or a
customer's message forwarded; then, as after /new, its source on buttons, and its card."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings, working_hours_of
from handlers.content import content_of
from handlers.filters import Has, Staff
from handlers.leads import LeadDraft, NewLead, offer, origin_of, plus
from handlers.payloads import load
from handlers.readers import reader_of
from presentation import leads as views
from presentation.deals.card import card_text
from presentation.deals.keyboard import card_keyboard
from services import deal_search, pipeline, staff_leads
from services.access import Actor, require_staff
from services.clock import Clock
from services.contacts import NAME_LENGTH
from services.db.session import AsyncSession
from services.errors import InvalidInput
from services.phones import normalize_phone


async def contact_shared(
    message: Message, session: AsyncSession, state: FSMContext, settings: Settings
) -> None:
    assert message.contact is not None
    contact = message.contact
    try:
        phone = normalize_phone(plus(contact.phone_number), settings.phone_region)
    except InvalidInput:
        await message.answer(views.bad_contact())
        return
    name = " ".join(filter(None, (contact.first_name, contact.last_name)))[:NAME_LENGTH]
    draft = LeadDraft(name=name, phone=phone)
    await offer(message, session, state, draft, views.source_question(name, phone))


async def forwarded(message: Message, session: AsyncSession, state: FSMContext) -> None:
    content = content_of(message)
    if content.is_empty:
        await message.answer(views.not_forwardable())
        return
    name, sender = origin_of(message)
    draft = LeadDraft(name=name, sender=sender).described(content)
    await offer(message, session, state, draft, views.forward_question(name))


async def source_chosen(
    query: CallbackQuery,
    callback_data: views.LeadCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    require_staff(actor)
    draft = await load(state, LeadDraft) if await _choosing(state) else None
    if (
        draft is None
        or callback_data.draft != draft.draft
        or callback_data.index >= len(draft.offered)
    ):
        callback_answer.text = _("This button is no longer available.")
        return
    lead = staff_leads.Lead(
        draft.name,
        draft.phone,
        draft.content,
        draft.offered[callback_data.index],
        draft.profile,
    )
    await state.clear()  # committed with the request
    entered = await staff_leads.enter(
        session, actor, lead, clock.now(), working_hours_of(settings)
    )
    deal_id = entered.deal_id
    callback_answer.text = views.entered(deal_id)
    if isinstance(query.message, Message) and not entered.card_queued:
        card = await pipeline.card(session, actor, deal_id)
        reader = reader_of(settings, actor, clock.now())
        sent = await query.message.answer(
            card_text(card, reader), reply_markup=card_keyboard(card, reader)
        )
        await deal_search.remember_card(session, sent.chat.id, sent.message_id, deal_id)


async def _choosing(state: FSMContext) -> bool:
    return await state.get_state() == NewLead.source.state


def router() -> Router:
    router = Router(name="lead_entry")
    router.message.filter(Staff())
    router.message.register(contact_shared, StateFilter(None), Has("contact"))
    router.message.register(forwarded, StateFilter(None), Has("forward_origin"))
    router.callback_query.register(source_chosen, views.LeadCb.filter())
    return router
