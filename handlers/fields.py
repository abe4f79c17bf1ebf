"""/fields: the owner adds (entity → kind → names in en, az, ru → options), renames, reorders
and switches off fields, in one message edited in place; typed answers wait in a step, /cancel
leaves it. Filling them in from a deal card is handlers/field_values.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, load, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation.edits import edit_or_send_at
from presentation.field_values import field_name
from presentation.fields import (
    FieldAction,
    FieldCb,
    detail_keyboard,
    detail_text,
    entity_keyboard,
    kind_keyboard,
    overview_keyboard,
    overview_text,
    same_keyboard,
)
from presentation.keyboards import LANGUAGES
from services import fields
from services.access import SUPPORTED_LOCALES, Actor, require_owner
from services.db.session import AsyncSession
from services.errors import DomainError, ErrorCode, InvalidInput
from services.field_kinds import CHOICE, ENTITIES, KINDS


class FieldSetup(StatesGroup):
    naming = State()
    choices = State()
    renaming = State()


class NewField(Payload):
    """FieldSetup.naming and .choices: the editor message, what was picked, the names so far."""

    editor_message_id: int
    entity: str
    kind: str
    names: dict[str, str] = Field(default_factory=dict)


class RenamingField(Payload):
    """FieldSetup.renaming: the editor message, the field and the language of the new name."""

    editor_message_id: int
    field_id: int
    language: str


NAME_ERRORS = frozenset({ErrorCode.FIELD_NAME, ErrorCode.FIELD_CHOICES})


async def fields_command(message: Message, session: AsyncSession, actor: Actor) -> None:
    found = await fields.overview(session, actor)
    await message.answer(
        overview_text(found, actor.locale), reply_markup=overview_keyboard(found, actor.locale)
    )


async def _overview(press: Press[FieldCb]) -> None:
    found = await fields.overview(press.session, press.actor)
    await press.show(
        overview_text(found, press.actor.locale), overview_keyboard(found, press.actor.locale)
    )


@on_press
async def field_button(press: Press[FieldCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    if cb.action == FieldAction.LIST:
        await _overview(press)
        return
    if cb.action == FieldAction.ADD:
        require_owner(actor)
        await press.show(
            _("Is the new field about the request or the customer?"), entity_keyboard()
        )
        return
    if cb.action == FieldAction.ENTITY:
        require_owner(actor)
        if cb.arg >= len(ENTITIES):
            raise InvalidInput()
        await press.show(_("What does the field hold?"), kind_keyboard(cb.arg))
        return
    if cb.action == FieldAction.UP or cb.action == FieldAction.DOWN:
        field = await fields.shift(session, actor, cb.field_id, cb.action == FieldAction.UP)
    elif cb.action == FieldAction.SWITCH:
        field = await fields.switch(session, actor, cb.field_id)
    else:
        field = await fields.detail(session, actor, cb.field_id)
    await press.show(detail_text(field, actor.locale), detail_keyboard(field))


@on_press
async def start_naming(press: Press[FieldCb]) -> None:
    """A kind picked: the English name is asked first."""
    cb = press.data
    require_owner(press.actor)
    if cb.field_id >= len(ENTITIES) or cb.arg >= len(KINDS) or press.message is None:
        raise InvalidInput()
    asked = NewField(
        editor_message_id=press.message.message_id,
        entity=ENTITIES[cb.field_id],
        kind=KINDS[cb.arg],
    )
    await press.ask(FieldSetup.naming, _name_prompt("en"), asked)


@on_press
async def ask_rename(press: Press[FieldCb]) -> None:
    cb = press.data
    if cb.arg >= len(SUPPORTED_LOCALES) or press.message is None:
        raise InvalidInput(ErrorCode.LANGUAGE)
    field = await fields.detail(press.session, press.actor, cb.field_id)
    language = SUPPORTED_LOCALES[cb.arg]
    prompt = _("Send the {language} name for the field {name}. /cancel to stop.").format(
        language=LANGUAGES[language], name=field_name(field, press.actor.locale)
    )
    asked = RenamingField(
        editor_message_id=press.message.message_id, field_id=field.field_id, language=language
    )
    await press.ask(FieldSetup.renaming, prompt, asked)


def _name_prompt(language: str) -> str:
    if language == "en":
        return _("Send the field's name in English. /cancel to stop.")
    return _("Send the field's name in {language}, or tap Same as English.").format(
        language=LANGUAGES[language]
    )


@on_press
async def same_as_english(press: Press[FieldCb]) -> None:
    require_owner(press.actor)
    asked = await load(press.state, NewField)
    if press.message is not None:
        await _advance(
            press.message, press.session, press.actor, press.state, asked, None, press.now
        )


@on_words
async def name_typed(words: Words) -> None:
    async with _keeps_step(words, NAME_ERRORS):
        if await words.state.get_state() == FieldSetup.renaming.state:
            renaming = await words.payload(RenamingField)
            field = await fields.rename(
                words.session, words.actor, renaming.field_id, renaming.language, words.text
            )
            await words.message.answer(_("Field renamed."))
            await edit_or_send_at(
                words.bot,
                words.message.chat.id,
                renaming.editor_message_id,
                detail_text(field, words.actor.locale),
                detail_keyboard(field),
            )
            await words.state.clear()
            return
        asked = await words.payload(NewField)
        if await words.state.get_state() == FieldSetup.choices.state:
            await _create(
                words.message,
                words.session,
                words.actor,
                words.state,
                asked,
                words.text,
                words.now,
            )
            return
        name = fields.clean_name(words.text)
        await _advance(
            words.message, words.session, words.actor, words.state, asked, name, words.now
        )


@asynccontextmanager
async def _keeps_step(words: Words, retryable: frozenset[ErrorCode]) -> AsyncIterator[None]:
    """A name or option list mistyped may be typed again; any other refusal ends the step."""
    try:
        yield
    except DomainError as error:
        error.ends_step = error.code not in retryable
        raise


async def _advance(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    asked: NewField,
    name: str | None,
    now: datetime,
) -> None:
    """Take the name of the next language (None: as in English) and ask what comes next."""
    language = next(code for code in SUPPORTED_LOCALES if code not in asked.names)
    if name is None and language == "en":
        raise InvalidInput(ErrorCode.FIELD_NAME)
    names = {**asked.names, language: name or asked.names["en"]}
    asked = asked.model_copy(update={"names": names})
    following = [code for code in SUPPORTED_LOCALES if code not in names]
    if following:
        await save(state, asked)
        await message.answer(_name_prompt(following[0]), reply_markup=same_keyboard())
    elif asked.kind == CHOICE:
        await state.set_state(FieldSetup.choices)
        await save(state, asked)
        await message.answer(
            _(
                "Send the options, one a line. To name one in every language, write "
                "English / Azərbaycanca / Русский, like Cash / Nağd / Наличные. /cancel to stop."
            )
        )
    else:
        await _create(message, session, actor, state, asked, None, now)


async def _create(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    asked: NewField,
    choices: str | None,
    now: datetime,
) -> None:
    await fields.add(session, actor, asked.entity, asked.kind, asked.names, choices, now)
    await state.clear()
    found = await fields.overview(session, actor)
    await message.answer(_("Field added."))
    if message.bot is not None:
        await edit_or_send_at(
            message.bot,
            message.chat.id,
            asked.editor_message_id,
            overview_text(found, actor.locale),
            overview_keyboard(found, actor.locale),
        )


def router() -> Router:
    router = Router(name="fields")
    router.message.register(fields_command, Command("fields"))
    router.callback_query.register(start_naming, FieldCb.filter(F.action == FieldAction.KIND))
    router.callback_query.register(same_as_english, FieldCb.filter(F.action == FieldAction.SAME))
    router.callback_query.register(ask_rename, FieldCb.filter(F.action == FieldAction.RENAME))
    router.callback_query.register(field_button, FieldCb.filter())
    steps = (FieldSetup.naming, FieldSetup.choices, FieldSetup.renaming)
    router.message.register(name_typed, StateFilter(*steps), Has("text"), NotCommand())
    router.message.register(not_text, StateFilter(*steps), NotCommand())
    return router
