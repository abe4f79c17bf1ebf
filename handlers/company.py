"""/company for owners: the details documents print, per language, and the logo (a photo)."""

from __future__ import annotations

from contextlib import suppress
from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.documents import downloaded
from handlers.filters import Has, NotCommand
from handlers.payloads import Payload
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation.company import (
    CompanyAction,
    CompanyCb,
    company_keyboard,
    company_text,
    detail_prompt,
    logo_prompt,
    token_prompt,
)
from presentation.documents.template_texts import (
    template_invalid,
    template_prompt,
    template_refused,
    template_saved,
)
from presentation.keyboards import LANGUAGES
from services import company_details, contract_files, contract_templates, inbox, payments_telegram
from services.access import Actor
from services.clock import Clock
from services.company_details import CLEAR, MAX_LOGO_BYTES, Company
from services.contract_templates import MAX_TEMPLATE_BYTES
from services.db.session import AsyncSession
from services.document_content import DETAILS
from services.errors import ErrorCode, InvalidInput

RETRYABLE = frozenset({ErrorCode.COMPANY_DETAIL, ErrorCode.LOGO, ErrorCode.PROVIDER_TOKEN})


class CompanyInput(StatesGroup):
    detail = State()
    logo = State()
    token = State()
    template = State()


class DetailAsked(Payload):
    """CompanyInput.detail and .logo: the language and detail being typed."""

    locale: str
    detail: int = 0


async def company_command(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    company = await company_details.show(session, actor)
    await state.clear()
    locale = actor.locale if actor.locale in LANGUAGES else "en"
    await message.answer(company_text(company, locale), reply_markup=company_keyboard(locale))


@on_press
async def language(press: Press[CompanyCb]) -> None:
    company = await company_details.show(press.session, press.actor)
    locale = press.data.locale if press.data.locale in LANGUAGES else "en"
    await press.show(company_text(company, locale), company_keyboard(locale))


@on_press
async def ask(press: Press[CompanyCb]) -> None:
    await company_details.show(press.session, press.actor)
    data = press.data
    if data.locale not in LANGUAGES or data.detail >= len(DETAILS):
        raise InvalidInput()
    asked = DetailAsked(locale=data.locale, detail=data.detail)
    if data.action is CompanyAction.LOGO:
        await press.ask(CompanyInput.logo, logo_prompt(), asked)
    elif data.action is CompanyAction.PAYMENTS:
        await press.ask(CompanyInput.token, token_prompt(), asked)
    elif data.action is CompanyAction.TEMPLATE:
        keys = await contract_files.field_keys(press.session)
        await press.ask(CompanyInput.template, template_prompt(keys), asked)
    else:
        await press.ask(
            CompanyInput.detail, detail_prompt(DETAILS[data.detail], data.locale), asked
        )


async def _shown(words: Words, company: Company, locale: str) -> None:
    await words.message.answer(
        company_text(company, locale), reply_markup=company_keyboard(locale)
    )


@on_words
async def detail_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(DetailAsked)
        company = await company_details.set_detail(
            words.session, words.actor, asked.locale, DETAILS[asked.detail], words.text, words.now
        )
    await _shown(words, company, asked.locale)


@on_words
async def logo_sent(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(DetailAsked)
        photo = (words.message.photo or [])[-1:]
        data = b""
        if photo and (photo[0].file_size or 0) <= MAX_LOGO_BYTES:
            buffer = BytesIO()
            await words.bot.download(photo[0].file_id, destination=buffer)
            data = buffer.getvalue()
        company = await company_details.set_logo(words.session, words.actor, data, words.now)
    await _shown(words, company, asked.locale)


@on_words
async def token_typed(words: Words) -> None:
    # The token is a secret: it stays neither in the chat nor in the stored update, taken or
    # not.
    with suppress(TelegramBadRequest):
        await words.message.delete()
    handling = inbox.current.get()
    if handling is not None:
        await inbox.forget_text(words.session, handling.update_id)
        await words.session.commit()
    async with words.ends_step(RETRYABLE):
        asked = await words.payload(DetailAsked)
        token = None if words.text.strip() == CLEAR else words.text
        await payments_telegram.set_provider_token(words.session, words.actor, token, words.now)
    await _shown(words, await company_details.show(words.session, words.actor), asked.locale)


async def template_sent(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    state: FSMContext,
) -> None:
    """A template that can't be kept is answered with why, and the step goes on."""
    assert message.document is not None
    data = await downloaded(message.document, bot, MAX_TEMPLATE_BYTES)
    name = message.document.file_name or "contract.docx"
    try:
        saved = await contract_files.save(session, actor, name, data or b"", clock.now())
    except contract_templates.TemplateInvalid as invalid:
        await message.answer(template_invalid(invalid.reason, invalid.detail))
        return
    if saved.unknown:
        await message.answer(template_refused(saved.unknown))
        return
    await state.clear()
    await message.answer(template_saved(saved.placeholders))


async def not_template(message: Message) -> None:
    await message.answer(template_invalid("not_docx", ""))


async def not_photo(message: Message) -> None:
    await message.answer(_("Send the logo as a photo, smaller than 1 MB."))


def router() -> Router:
    router = Router(name="company")
    router.message.register(company_command, Command("company"))
    router.callback_query.register(language, CompanyCb.filter(F.action == CompanyAction.LANGUAGE))
    router.callback_query.register(ask, CompanyCb.filter())
    router.message.register(
        detail_typed, StateFilter(CompanyInput.detail), Has("text"), NotCommand()
    )
    router.message.register(
        token_typed, StateFilter(CompanyInput.token), Has("text"), NotCommand()
    )
    router.message.register(
        not_text, StateFilter(CompanyInput.detail, CompanyInput.token), NotCommand()
    )
    router.message.register(template_sent, StateFilter(CompanyInput.template), Has("document"))
    router.message.register(not_template, StateFilter(CompanyInput.template), NotCommand())
    router.message.register(logo_sent, StateFilter(CompanyInput.logo), Has("photo"))
    router.message.register(not_photo, StateFilter(CompanyInput.logo), NotCommand())
    return router
