"""The owner's team: invite links, the team list, deactivating and reactivating managers."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.settings import Settings, working_hours_of
from presentation import commands
from presentation.edits import edit_or_send
from presentation.render import when
from presentation.team import TeamAction, TeamCb, team_keyboard
from services import invites, team, users
from services.access import MANAGER, Actor, locale_of
from services.clock import Clock
from services.db.session import AsyncSession
from services.users import TeamMember


async def invite(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    token, expires = await invites.create_invite(session, actor, clock.now(), settings.invite_ttl)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={token}"
    await message.answer(
        _("Send this link to your new manager. It works once, until {time}:\n{link}").format(
            time=when(expires, settings.zone, actor.locale), link=link
        )
    )


def team_text(members: list[TeamMember]) -> str:
    if not members:
        return _("No managers yet. Send /invite to add one.")
    lines = [_("<b>Your team</b>")]
    for member in members:
        if not member.is_active:
            state = _("deactivated")
        elif member.on_duty:
            state = _("on duty")
        else:
            state = _("off duty")
        deals = ngettext("{n} open request", "{n} open requests", member.open_deals).format(
            n=member.open_deals
        )
        lines.append(f"• {escape(member.name)}: {state}, {deals}")
    return "\n".join(lines)


async def show_team(message: Message, session: AsyncSession, actor: Actor) -> None:
    members = await users.team(session, actor)
    await message.answer(team_text(members), reply_markup=team_keyboard(members))


async def toggle_manager(
    query: CallbackQuery,
    callback_data: TeamCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    active = callback_data.action == TeamAction.ON
    hours = working_hours_of(settings)
    moved = await team.set_active(
        session, actor, callback_data.user_id, active, clock.now(), hours
    )
    manager = await users.get_manager(session, callback_data.user_id)
    role = MANAGER if active else "customer"
    locale = locale_of(manager, settings.default_locale)
    await commands.set_for_chat(bot, i18n, manager.tg_id, role, locale)
    if active:
        callback_answer.text = _("{name} is active again.").format(name=manager.first_name)
    else:
        callback_answer.text = ngettext(
            "{name} is deactivated; {n} open request was handed over.",
            "{name} is deactivated; {n} open requests were handed over.",
            moved,
        ).format(name=manager.first_name, n=moved)
    members = await users.team(session, actor)
    if isinstance(query.message, Message):
        await edit_or_send(query.message, team_text(members), team_keyboard(members))


def router() -> Router:
    router = Router(name="team")
    router.message.register(invite, Command("invite"))
    router.message.register(show_team, Command("team"))
    router.callback_query.register(toggle_manager, TeamCb.filter())
    return router
