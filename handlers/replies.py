"""Quick replies: /replies lists the team's and one's own; ➕ asks the language, the title and
the text; 🗑 removes one. A quick reply pressed under Reply's prompt is sent to the customer
as a typed reply is, while that prompt is the question open."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message

from handlers.filters import Has, NotCommand, Staff
from handlers.payloads import Payload, load, save
from handlers.presses import Press, on_press
from handlers.states import ReplyTo, StaffReply
from handlers.words import Words, not_text, on_words
from presentation import replies as views
from presentation.replies import QuickAction, QuickCb, QuickUseCb
from services import quick_replies
from services.access import SUPPORTED_LOCALES, Actor
from services.db.session import AsyncSession
from services.errors import ErrorCode, InvalidInput

RETRYABLE = frozenset({ErrorCode.REPLY_TITLE, ErrorCode.REPLY_TEXT, ErrorCode.REPLY_PLACEHOLDER})


class NewReply(StatesGroup):
    title = State()
    text = State()


class ReplyDraft(Payload):
    """NewReply.title and NewReply.text: whose it is, its language and, once typed, title."""

    team: bool
    language: str
    title: str = ""


async def _list(
    session: AsyncSession, actor: Actor, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    kept = await quick_replies.listed(session, actor, language)
    return views.replies_text(kept, language), views.replies_keyboard(
        kept, actor.is_owner, language
    )


async def replies_command(message: Message, session: AsyncSession, actor: Actor) -> None:
    """The replies in the reader's own language first; the others a press away."""
    text, markup = await _list(session, actor, actor.locale)
    await message.answer(text, reply_markup=markup)


@on_press
async def show(press: Press[QuickCb]) -> None:
    index = press.data.arg
    if index >= len(SUPPORTED_LOCALES):
        raise InvalidInput(ErrorCode.LANGUAGE)
    await press.show(*await _list(press.session, press.actor, SUPPORTED_LOCALES[index]))


@on_press
async def add(press: Press[QuickCb]) -> None:
    quick_replies.may_keep(press.actor, press.data.team)
    if press.message is not None:
        await press.message.answer(
            views.language_prompt(), reply_markup=views.language_keyboard(press.data.team)
        )


@on_press
async def language(press: Press[QuickCb]) -> None:
    index = press.data.arg
    if index >= len(SUPPORTED_LOCALES):
        raise InvalidInput(ErrorCode.LANGUAGE)
    chosen = SUPPORTED_LOCALES[index]
    await quick_replies.check_keeper(press.session, press.actor, press.data.team, chosen)
    await press.state.set_state(NewReply.title)
    await save(press.state, ReplyDraft(team=press.data.team, language=chosen))
    await press.show(views.title_prompt(chosen))


@on_words
async def title_typed(words: Words) -> None:
    draft = await words.payload(ReplyDraft)
    title = quick_replies.checked_title(words.text)
    await words.state.set_state(NewReply.text)
    await save(words.state, draft.model_copy(update={"title": title}))
    await words.message.answer(views.text_prompt())


@on_words
async def text_typed(words: Words) -> None:
    async with words.ends_step(RETRYABLE):
        draft = await words.payload(ReplyDraft)
        saved = await quick_replies.add(
            words.session,
            words.actor,
            draft.team,
            draft.language,
            draft.title,
            words.text,
            words.now,
        )
    text, markup = await _list(words.session, words.actor, saved.language)
    await words.message.answer(f"{views.saved_text(saved)}\n\n{text}", reply_markup=markup)


@on_press
async def remove(press: Press[QuickCb]) -> None:
    language = await quick_replies.remove(press.session, press.actor, press.data.arg, press.now)
    press.answer.text = views.removed_text()
    await press.show(*await _list(press.session, press.actor, language))


@on_press
async def use(press: Press[QuickUseCb]) -> None:
    """Only while the Reply prompt it came with is the question open: a second press, or one
    from an older prompt, sends nothing."""
    deal_id = press.data.deal_id
    asked = await press.state.get_state() == StaffReply.writing.state
    if not asked or (await load(press.state, ReplyTo)).deal_id != deal_id:
        raise InvalidInput(ErrorCode.REPLY_OVER)
    settings = press.settings
    await quick_replies.send(
        press.session,
        press.actor,
        deal_id,
        press.data.reply_id,
        settings.currency,
        settings.default_locale,
        press.now,
    )
    await press.state.clear()
    press.answer.text = views.sent_text(deal_id)
    await press.show(views.sent_text(deal_id))


def router() -> Router:
    router = Router(name="replies")
    router.message.register(replies_command, Command("replies"), Staff())
    router.callback_query.register(show, QuickCb.filter(F.action == QuickAction.SHOW))
    router.callback_query.register(add, QuickCb.filter(F.action == QuickAction.ADD))
    router.callback_query.register(language, QuickCb.filter(F.action == QuickAction.LANGUAGE))
    router.callback_query.register(remove, QuickCb.filter(F.action == QuickAction.REMOVE))
    router.callback_query.register(use, QuickUseCb.filter())
    router.message.register(title_typed, StateFilter(NewReply.title), Has("text"), NotCommand())
    router.message.register(text_typed, StateFilter(NewReply.text), Has("text"), NotCommand())
    for input_state in (NewReply.title, NewReply.text):
        router.message.register(not_text, StateFilter(input_state), NotCommand())
    return router
