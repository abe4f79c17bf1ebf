"""The owner's 📐 Measurements (the list of measure sets; ➕ asks the name, then the inputs one a
line) and ⚙️ Sales settings (VAT included in prices on or off; the managers' discount limit,
typed), reached from /catalog."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup

from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.words import Words, not_text, on_words
from presentation.catalog_admin import AdminAction, AdminCb
from presentation.catalog_sets import (
    limit_prompt,
    limit_said,
    sales_keyboard,
    sales_text,
    set_added_text,
    set_inputs_prompt,
    set_name_prompt,
    sets_keyboard,
    sets_text,
    vat_said,
)
from presentation.edits import edit_or_send_at
from services import catalog, catalog_edit, measure_sets, sales
from services.access import require_owner
from services.errors import ErrorCode


class SetsInput(StatesGroup):
    set_name = State()
    set_inputs = State()
    limit = State()


class Editor(Payload):
    """SetsInput's steps: the message redrawn once the answer is saved, and the new measure
    set's name as typed."""

    editor_message_id: int
    names: str = ""


HERE = {
    AdminAction.SETS,
    AdminAction.NEW_SET,
    AdminAction.SALES,
    AdminAction.VAT,
    AdminAction.LIMIT,
}


@on_press
async def sets_button(press: Press[AdminCb]) -> None:
    cb, session, actor, locale = press.data, press.session, press.actor, press.actor.locale
    require_owner(actor)
    if cb.action == AdminAction.SETS:
        found = await catalog.measure_sets(session, actor)
        await press.show(sets_text(found, locale), sets_keyboard())
        return
    if cb.action in (AdminAction.NEW_SET, AdminAction.LIMIT):
        if press.message is None:
            return
        asked = Editor(editor_message_id=press.message.message_id)
        if cb.action == AdminAction.NEW_SET:
            await press.ask(SetsInput.set_name, set_name_prompt(), asked)
        else:
            now_is = await sales.current(session)
            await press.ask(SetsInput.limit, limit_prompt(now_is, locale), asked)
        return
    if cb.action == AdminAction.VAT:
        settings = await sales.set_vat(session, actor, bool(cb.arg), press.now)
        press.answer.text = vat_said(settings)
    else:
        settings = await sales.current(session)
    await press.show(sales_text(settings, locale), sales_keyboard(settings, locale))


@on_words
async def set_name_typed(words: Words) -> None:
    asked = await words.payload(Editor)
    catalog_edit.parse_names(words.text)
    await words.state.set_state(SetsInput.set_inputs)
    await save(words.state, asked.model_copy(update={"names": words.text}))
    await words.message.answer(set_inputs_prompt())


@on_words
async def set_inputs_typed(words: Words) -> None:
    asked = await words.payload(Editor)
    session, actor, locale = words.session, words.actor, words.actor.locale
    async with words.ends_step(frozenset({ErrorCode.MEASURE_INPUTS})):
        added = await measure_sets.add(session, actor, asked.names, words.text, words.now)
    found = await catalog.measure_sets(session, actor)
    await words.message.answer(set_added_text(added, locale))
    await edit_or_send_at(
        words.bot,
        words.message.chat.id,
        asked.editor_message_id,
        sets_text(found, locale),
        sets_keyboard(),
    )


@on_words
async def limit_typed(words: Words) -> None:
    asked = await words.payload(Editor)
    locale = words.actor.locale
    async with words.ends_step(frozenset({ErrorCode.DISCOUNT_LIMIT})):
        settings = await sales.set_limit(words.session, words.actor, words.text, words.now)
    await words.message.answer(limit_said(settings, locale))
    await edit_or_send_at(
        words.bot,
        words.message.chat.id,
        asked.editor_message_id,
        sales_text(settings, locale),
        sales_keyboard(settings, locale),
    )


def router() -> Router:
    router = Router(name="catalog_sets")
    router.callback_query.register(sets_button, AdminCb.filter(F.action.in_(HERE)), Staff())
    for step, handle in (
        (SetsInput.set_name, set_name_typed),
        (SetsInput.set_inputs, set_inputs_typed),
        (SetsInput.limit, limit_typed),
    ):
        router.message.register(handle, StateFilter(step), Has("text"), NotCommand(), Staff())
        router.message.register(not_text, StateFilter(step), NotCommand(), Staff())
    return router
