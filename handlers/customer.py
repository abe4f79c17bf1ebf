"""Customers: a new request (what, then phone), their requests, and writing to their manager."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings, working_hours_of
from handlers.content import content_of
from handlers.filters import AnyCommand, Customer, Has, NotCommand
from handlers.payloads import load, save
from handlers.states import NewRequest, RequestDraft
from presentation import keyboards, render
from presentation.callbacks import MenuAction, MenuCb
from services import customers, inbox, intake, log_context, views
from services.access import Actor
from services.clock import Clock
from services.customer_writes import CustomerWrites
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput
from services.intake import Request
from services.phones import normalize_phone


def ask_what() -> str:
    return _("What do you need? Describe it in one message; photos and documents are welcome.")


async def new_command(message: Message, state: FSMContext) -> None:
    await state.set_state(NewRequest.describing)
    await message.answer(ask_what(), reply_markup=ReplyKeyboardRemove())


async def new_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(NewRequest.describing)
    if isinstance(query.message, Message):
        await query.message.answer(ask_what())


async def described(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    content = content_of(message)
    if content.is_empty:
        raise InvalidInput(ErrorCode.EMPTY_REQUEST)
    known = await customers.known_phone(session, actor.user_id)
    if known:
        await state.clear()
        await intake.submit_request(
            session, actor, content, known, clock.now(), working_hours_of(settings)
        )
        return
    await state.set_state(NewRequest.phone)
    await save(state, RequestDraft.of(content))
    await message.answer(
        _(
            "Thanks! What phone number can the manager call? "
            "Share your contact, type it, or tap Skip."
        ),
        reply_markup=keyboards.phone_request(),
    )


async def more_files(message: Message, state: FSMContext) -> None:
    draft = await load(state, RequestDraft)
    await save(state, RequestDraft.of(draft.content.merged(content_of(message))))
    await message.answer(_("Added to your request. Now your phone number, or tap Skip."))


def _own(message: Message, actor: Actor) -> bool:
    """Telegram vouches for a shared contact only when it names the sender's own account."""
    return message.contact is not None and message.contact.user_id == actor.tg_id


async def phone_given(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    """The number is the request's; a contact of the sender's own also becomes theirs."""
    phone = None
    if message.contact is not None:
        phone = normalize_phone(_plus(message.contact.phone_number), settings.phone_region)
        if _own(message, actor):
            await customers.own_phone(session, actor.user_id, phone, clock.now())
    elif message.text != keyboards.skip_label():
        phone = normalize_phone(message.text or "", settings.phone_region)
    content = (await load(state, RequestDraft)).content
    await state.clear()
    await intake.submit_request(
        session, actor, content, phone, clock.now(), working_hours_of(settings)
    )


def _plus(number: str) -> str:
    return number if number.startswith("+") else "+" + number


async def my_requests_command(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings
) -> None:
    await message.answer(await _requests_text(session, actor, settings))


async def my_requests_button(
    query: CallbackQuery, session: AsyncSession, actor: Actor, settings: Settings
) -> None:
    if isinstance(query.message, Message):
        await query.message.answer(await _requests_text(session, actor, settings))


async def _requests_text(session: AsyncSession, actor: Actor, settings: Settings) -> str:
    items = await views.my_requests(session, actor)
    if not items:
        return _("You have no requests yet. Just write here what you need.")
    lines = [_("<b>Your requests</b>")]
    lines += [render.request_line(item, settings.zone, actor.locale) for item in items]
    return "\n".join(lines)


async def contact_shared(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    assert message.contact is not None
    phone = normalize_phone(_plus(message.contact.phone_number), settings.phone_region)
    if _own(message, actor) and await customers.save_phone(
        session, actor.user_id, phone, clock.now()
    ):
        text = _("Thanks, we saved your number.")
    else:
        text = _(
            "This number was not saved as yours. To be called on it, send a new request "
            "(/new) and give the number there."
        )
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


async def free_message(message: Message, actor: Actor, writes: CustomerWrites) -> None:
    """Writing with no flow open: to the open request's manager, or a new request (whose
    confirmation is queued with it)."""
    written = await writes(Request(actor, content_of(message), update=inbox.current.get()))
    log_context.about_deal(written.deal_id)


def router() -> Router:
    router = Router(name="customer")
    router.message.filter(Customer())
    # Most of what customers send, so looked at first: anything outside a request's flow with
    # no command in its text or caption. Everything else meets the handlers below in order.
    router.message.register(
        free_message, ~StateFilter(NewRequest), ~AnyCommand(), Has("text", "photo", "document")
    )
    router.message.register(new_command, Command("new"))
    router.callback_query.register(new_button, MenuCb.filter(F.action == MenuAction.NEW))
    router.message.register(described, StateFilter(NewRequest.describing))
    router.message.register(more_files, StateFilter(NewRequest.phone), Has("photo", "document"))
    router.message.register(phone_given, StateFilter(NewRequest.phone))
    router.message.register(my_requests_command, Command("requests"))
    router.callback_query.register(my_requests_button, MenuCb.filter(F.action == MenuAction.MINE))
    router.message.register(contact_shared, Has("contact"))
    router.message.register(free_message, NotCommand(), Has("text", "photo", "document"))
    return router
