"""/rules: the owner's list of rules, a rule's card, switching it on and off, deleting it and
trying it on the past. Making one from a template is handlers/rule_templates.py; from scratch,
handlers/rule_builder.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings
from handlers.presses import Press, on_press
from handlers.readers import reader_of
from handlers.rule_standard import standard_defaults
from presentation.deals.card import Reader
from presentation.rules.callbacks import RulesAction, RulesCb
from presentation.rules.standard import list_buttons as standard_buttons
from presentation.rules.standard import list_lines as standard_lines
from presentation.rules.views import (
    back_to_rule,
    card_keyboard,
    card_text,
    delete_keyboard,
    delete_text,
    list_keyboard,
    list_text,
    pages,
    past_text,
)
from services import assignment_rule
from services.access import Actor
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import Conflict
from services.rules import manage, past, standard
from services.rules.manage import RuleView


async def rules_command(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    reader = reader_of(settings, actor, clock.now())
    text, markup = await listing(session, actor, 0, reader, settings)
    await message.answer(text, reply_markup=markup)


async def listing(
    session: AsyncSession, actor: Actor, page: int, reader: Reader, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    """The /rules list at a page, with who gets a request and the standard rules first."""
    found = await manage.overview(session, actor)
    page = min(page, pages(found) - 1)
    strategy = (await assignment_rule.show(session, actor)).strategy
    # The standard rules on the first page only.
    standards = await standard.overview(session, actor, standard_defaults(settings))
    standards = standards if page == 0 else []
    text = list_text(found, page, reader, strategy, standard_lines(standards, reader))
    return text, list_keyboard(found, page, standard_buttons(standards))


async def _list(press: Press[RulesCb], page: int) -> None:
    await press.show(
        *await listing(press.session, press.actor, page, press.reader, press.settings)
    )


async def _card(press: Press[RulesCb], rule: RuleView) -> None:
    lookup = await manage.lookup(press.session)
    await press.show(card_text(rule, lookup, press.reader), card_keyboard(rule))


async def _stale(press: Press[RulesCb]) -> None:
    """The rule changed since its card was drawn: drawn again, and nothing done."""
    await _card(press, await manage.detail(press.session, press.actor, press.data.rule_id))
    press.answer.text = _("The rule had changed meanwhile, so nothing was done. Here it is now.")


@on_press
async def rules_button(press: Press[RulesCb]) -> None:
    cb, session, actor = press.data, press.session, press.actor
    if cb.action == RulesAction.LIST:
        await _list(press, cb.arg)
        return
    if cb.action == RulesAction.SWITCH:
        try:
            rule = await manage.switch(session, actor, cb.rule_id, cb.version, press.now)
        except Conflict:
            await _stale(press)
            return
        press.answer.text = _("Switched on.") if rule.enabled else _("Switched off.")
        await _card(press, rule)
        return
    rule = await manage.detail(session, actor, cb.rule_id)
    if (
        cb.action in (RulesAction.DELETE, RulesAction.CONFIRM_DELETE)
        and rule.version != cb.version
    ):
        await _stale(press)
        return
    if cb.action == RulesAction.DELETE:
        await press.show(delete_text(rule), delete_keyboard(rule))
    elif cb.action == RulesAction.CONFIRM_DELETE:
        name = await manage.remove(session, actor, rule.rule_id, press.now)
        press.answer.text = _("Rule «{name}» deleted.").format(name=name)
        await _list(press, 0)
    elif cb.action == RulesAction.TRY:
        lookup = await manage.lookup(session)
        found = await past.try_on_past(session, actor, rule.rule_id, press.now)
        text = past_text(rule.name, rule.spec.actions, found, lookup, press.reader)
        await press.show(text, back_to_rule(rule))
    else:
        await _card(press, rule)


def router() -> Router:
    router = Router(name="rules")
    router.message.register(rules_command, Command("rules"))
    handled = {
        RulesAction.LIST,
        RulesAction.OPEN,
        RulesAction.SWITCH,
        RulesAction.DELETE,
        RulesAction.CONFIRM_DELETE,
        RulesAction.TRY,
    }
    router.callback_query.register(rules_button, RulesCb.filter(F.action.in_(handled)))
    return router
