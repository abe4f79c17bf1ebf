"""/new for managers and owners: a request entered by hand, step by step (name, phone, what
they want), then its source on buttons (handlers/lead_entry.py takes the press)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyKeyboardRemove,
)

from bot.settings import Settings
from handlers.content import content_of
from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, load, save
from handlers.words import not_text
from presentation import leads as views
from presentation.keyboards import skip_label
from services import lead_sources
from services.contacts import NAME_LENGTH
from services.content import Attachment, Content
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput
from services.phones import normalize_phone
from services.users import TelegramProfile, name_of

# A forwarded message's sender: Telegram id, first and last name, username.
Sender = tuple[int, str, str, str]


class NewLead(StatesGroup):
    name = State()
    phone = State()
    what = State()
    source = State()


class LeadDraft(Payload):
    """NewLead: what is known of the request so far. `sender` is the account a forwarded
    message came from (Telegram id, first and last name, username); `offered` the keys of
    the sources on the buttons, in their order; `draft` the number of the message the buttons
    were offered after, which they carry, so buttons offered for an earlier draft do nothing."""

    name: str = ""
    phone: str | None = None
    text: str = ""
    files: tuple[tuple[str, str, str], ...] = ()
    sender: Sender | None = None
    offered: tuple[str, ...] = ()
    draft: int = 0

    @property
    def content(self) -> Content:
        return Content(self.text, tuple(Attachment(*file) for file in self.files))

    @property
    def profile(self) -> TelegramProfile | None:
        if self.sender is None:
            return None
        tg_id, first, last, username = self.sender
        return TelegramProfile(tg_id, first, last or None, username or None, None)

    def described(self, content: Content) -> LeadDraft:
        files = tuple((a.kind, a.file_id, a.caption) for a in content.attachments)
        return self.model_copy(update={"text": content.text, "files": files})


async def new_command(message: Message, state: FSMContext) -> None:
    await state.set_state(NewLead.name)
    await save(state, LeadDraft())
    await message.answer(views.ask_name(), reply_markup=ReplyKeyboardRemove())


async def name_typed(message: Message, state: FSMContext) -> None:
    name = " ".join((message.text or "").split())[:NAME_LENGTH]
    if not name:
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    draft = await load(state, LeadDraft)
    await state.set_state(NewLead.phone)
    await save(state, draft.model_copy(update={"name": name}))
    await message.answer(views.phone_question(), reply_markup=views.ask_phone())


async def phone_typed(message: Message, state: FSMContext, settings: Settings) -> None:
    """A bad number is answered and asked again; the name stays."""
    draft = await load(state, LeadDraft)
    phone = None
    try:
        if message.contact is not None:
            phone = normalize_phone(plus(message.contact.phone_number), settings.phone_region)
        elif message.text != skip_label():
            phone = normalize_phone(message.text or "", settings.phone_region)
    except InvalidInput:
        await message.answer(views.bad_phone())
        return
    await state.set_state(NewLead.what)
    await save(state, draft.model_copy(update={"phone": phone}))
    await message.answer(views.what_question(), reply_markup=ReplyKeyboardRemove())


async def what_given(message: Message, session: AsyncSession, state: FSMContext) -> None:
    content = content_of(message)
    if content.is_empty:
        await message.answer(views.not_content())
        return
    draft = (await load(state, LeadDraft)).described(content)
    await offer(message, session, state, draft, views.source_question(draft.name, draft.phone))


async def offer(
    message: Message, session: AsyncSession, state: FSMContext, draft: LeadDraft, question: str
) -> None:
    """Ask where the request came from, remembering the sources the buttons stand for."""
    offered = tuple(source.key for source in await lead_sources.offered(session))
    await state.set_state(NewLead.source)
    await save(state, draft.model_copy(update={"offered": offered, "draft": message.message_id}))
    await message.answer(
        question, reply_markup=views.sources_keyboard(message.message_id, offered)
    )


def origin_of(message: Message) -> tuple[str, Sender | None]:
    """Who wrote a forwarded message: the name Telegram shows, and their account when it
    names one."""
    origin = message.forward_origin
    sender = None
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        name = name_of(user.first_name, user.last_name, user.id)
        if not user.is_bot:  # a bot is nobody's customer
            sender = (user.id, user.first_name, user.last_name or "", user.username or "")
    elif isinstance(origin, MessageOriginHiddenUser):
        name = origin.sender_user_name
    elif isinstance(origin, MessageOriginChat):
        name = origin.sender_chat.title or ""
    elif isinstance(origin, MessageOriginChannel):
        name = origin.chat.title or ""
    else:
        name = ""
    return name[:NAME_LENGTH], sender


async def more_given(message: Message, state: FSMContext) -> None:
    """An album's other photos, or more messages forwarded from the same person, join the
    request offered; a message forwarded from someone else waits for its source to be
    chosen."""
    content = content_of(message)
    draft = await load(state, LeadDraft)
    other = message.forward_origin is not None and origin_of(message) != (draft.name, draft.sender)
    if content.is_empty or other:
        await source_typed(message)
        return
    await save(state, draft.described(draft.content.merged(content)))
    await message.answer(views.added())


async def source_typed(message: Message) -> None:
    await message.answer(views.tap_a_source())


def plus(number: str) -> str:
    """Telegram gives a contact's number without the plus sign."""
    return number if number.startswith("+") else "+" + number


def router() -> Router:
    router = Router(name="leads")
    router.message.filter(Staff())
    router.message.register(new_command, Command("new"))
    router.message.register(name_typed, StateFilter(NewLead.name), Has("text"), NotCommand())
    router.message.register(
        phone_typed, StateFilter(NewLead.phone), Has("text", "contact"), NotCommand()
    )
    router.message.register(what_given, StateFilter(NewLead.what), NotCommand())
    router.message.register(not_text, StateFilter(NewLead.name, NewLead.phone), NotCommand())
    router.message.register(
        more_given, StateFilter(NewLead.source), Has("forward_origin", "photo", "document")
    )
    router.message.register(source_typed, StateFilter(NewLead.source), NotCommand())
    return router
