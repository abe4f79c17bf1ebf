"""The standard rules in /rules: a rule's card, switching it, and a new value chosen on a button
or typed (the call-back delay in minutes, the overdue wait in hours, the renewal days)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.filters import Has, NotCommand
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.words import Words, not_text, on_words
from presentation.deals.card import Reader
from presentation.rules.standard import (
    PRESETS,
    StandardAction,
    StandardCb,
    card_keyboard,
    card_text,
    change_keyboard,
    change_text,
)
from services import stages
from services.access import Actor
from services.db.session import AsyncSession
from services.errors import Conflict, ErrorCode, InvalidInput, NotFound
from services.rules import standard

RETRYABLE = frozenset({ErrorCode.RULE_NUMBER, ErrorCode.RULE_DAYS})


class StandardChange(StatesGroup):
    typing = State()


class ChangeDraft(Payload):
    """StandardChange.typing: which rule, as the card the owner changed it from showed it."""

    key: str
    version: int


def standard_defaults(settings: Settings) -> standard.Defaults:
    return standard.Defaults(
        settings.response_sla,
        settings.missed_call_callback_after,
        tuple(settings.renewal_offsets),
        settings.task_overdue_escalation,
    )


def _key(index: int) -> str:
    if not 0 <= index < len(standard.KEYS):
        raise NotFound()
    return standard.KEYS[index]


async def _shown(
    session: AsyncSession, actor: Actor, rule: standard.Standard, reader: Reader
) -> tuple[str, InlineKeyboardMarkup]:
    marked = [stage.names for stage in await stages.overview(session, actor) if stage.notify]
    return card_text(rule, marked, reader), card_keyboard(rule, reader.locale)


async def _card(press: Press[StandardCb], rule: standard.Standard) -> None:
    text, markup = await _shown(press.session, press.actor, rule, press.reader)
    await press.show(text, markup)


@on_press
async def standard_button(press: Press[StandardCb]) -> None:
    key = _key(press.data.rule)
    defaults = standard_defaults(press.settings)
    rule = await standard.detail(press.session, press.actor, key, defaults)
    if press.data.action == StandardAction.OPEN:
        if await press.state.get_state() == StandardChange.typing.state:
            await press.state.clear()
        await _card(press, rule)
        return
    try:
        changed = await _act(press, rule, defaults)
    except Conflict:
        await press.state.clear()
        await _card(press, await standard.detail(press.session, press.actor, key, defaults))
        press.answer.text = _(
            "The rule had changed meanwhile, so nothing was done. Here it is now."
        )
        return
    if changed is not None:
        await _card(press, changed)


async def _act(
    press: Press[StandardCb], rule: standard.Standard, defaults: standard.Defaults
) -> standard.Standard | None:
    """Switched or changed (the card to show), or asked for a value (None)."""
    cb, key = press.data, rule.key
    if cb.action == StandardAction.SWITCH:
        switched = await standard.switch(
            press.session, press.actor, key, cb.version, press.now, defaults
        )
        press.answer.text = _("Switched on.") if switched.enabled else _("Switched off.")
        return switched
    presets = PRESETS.get(key, ())
    if not presets:
        raise InvalidInput()
    if cb.action == StandardAction.CHANGE:
        if cb.version != rule.version:
            raise Conflict()
        await press.state.set_state(StandardChange.typing)
        await save(press.state, ChangeDraft(key=key, version=rule.version))
        await press.show(change_text(rule), change_keyboard(rule, press.reader.locale))
        return None
    if not 0 <= cb.preset < len(presets):
        raise InvalidInput()
    changed = await standard.change(
        press.session, press.actor, key, cb.version, presets[cb.preset], press.now, defaults
    )
    await press.state.clear()
    press.answer.text = _("Saved.")
    return changed


def _typed(key: str, text: str) -> tuple[int, ...]:
    if key == standard.RENEWALS:
        return standard.read_days(text)
    digits = text.strip().replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 6:
        raise InvalidInput(ErrorCode.RULE_NUMBER)
    return (int(digits) * (60 if key == standard.OVERDUE else 1),)


@on_words
async def value_typed(words: Words) -> None:
    draft = await words.payload(ChangeDraft)
    defaults = standard_defaults(words.settings)
    async with words.ends_step(RETRYABLE):
        rule = await standard.change(
            words.session,
            words.actor,
            draft.key,
            draft.version,
            _typed(draft.key, words.text),
            words.now,
            defaults,
        )
    reader = reader_of(words.settings, words.actor, words.now)
    text, markup = await _shown(words.session, words.actor, rule, reader)
    saved = _("Saved.")
    await words.message.answer(f"{saved}\n\n{text}", reply_markup=markup)


def router() -> Router:
    router = Router(name="rule_standard")
    router.callback_query.register(standard_button, StandardCb.filter())
    step = StateFilter(StandardChange.typing)
    router.message.register(value_typed, step, Has("text"), NotCommand())
    router.message.register(not_text, step, NotCommand())
    return router
