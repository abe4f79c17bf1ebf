"""The customer's answer to the feedback ask: ⭐ 1 … 5, then, only if they tap 💬 Comment, one
message of comment, or Skip (the button or /skip). Nothing they write unasked is taken for a
comment: a new request right after the rating goes to a manager as any other. Only a message
within `COMMENT_WINDOW` of the tap is the comment, and the tap never ends a request the customer
is still describing."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message

from handlers.filters import Customer, Has, NotCommand
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.words import Words, on_words
from presentation.feedback import (
    After,
    AfterCb,
    RateCb,
    after_keyboard,
    already_text,
    busy_text,
    comment_only_text,
    comment_prompt,
    rated_text,
    skip_button,
    thanks_text,
    too_long_text,
)
from services import feedback
from services.clock import Clock
from services.errors import InvalidInput

COMMENT_WINDOW = timedelta(hours=1)


class FeedbackComment(StatesGroup):
    writing = State()


class CommentOn(Payload):
    """FeedbackComment.writing: the deal the comment is about."""

    deal_id: int
    # Until when (Unix seconds) a message is the comment.
    until: int


class CommentDue(Filter):
    async def __call__(self, message: Message, state: FSMContext, clock: Clock) -> bool:
        until = (await state.get_data()).get("until")
        return isinstance(until, int) and clock.now().timestamp() < until


@on_press
async def rate(press: Press[RateCb]) -> None:
    deal_id = press.data.deal_id
    rated = await feedback.rate(
        press.session, press.actor.user_id, deal_id, press.data.rating, press.now
    )
    if rated.already:
        press.answer.text = already_text(deal_id, rated.rating)
        return
    await press.show(rated_text(deal_id, rated.rating), after_keyboard(deal_id))


@on_press
async def after(press: Press[AfterCb]) -> None:
    deal_id = press.data.deal_id
    asked = await feedback.check(press.session, press.actor.user_id, deal_id)
    step = await press.state.get_state()
    writing = step == FeedbackComment.writing.state
    if press.data.action == After.SKIP or asked.comment is not None:
        if writing and (await press.state.get_data()).get("deal_id") == deal_id:
            await press.state.clear()
        await press.show(thanks_text())
        return
    if asked.rating is None:
        raise InvalidInput()
    if step is not None and not writing:
        # Their request's description or phone is still to come: it is not lost to a comment.
        press.answer.text = busy_text()
        return
    await press.state.set_state(FeedbackComment.writing)
    until = int((press.now + COMMENT_WINDOW).timestamp())
    await save(press.state, CommentOn(deal_id=deal_id, until=until))
    skip = InlineKeyboardMarkup(inline_keyboard=[[skip_button(deal_id)]])
    await press.show(comment_prompt(), skip)


@on_words
async def commented(words: Words) -> None:
    draft = await words.payload(CommentOn)
    if len(words.text.strip()) > feedback.COMMENT_LENGTH:
        # Not cut short: they shorten it themselves, and the step waits.
        await words.message.answer(too_long_text(feedback.COMMENT_LENGTH, words.actor.locale))
        return
    async with words.ends_step(frozenset()):
        await feedback.comment(
            words.session, words.actor.user_id, draft.deal_id, words.text, words.now
        )
    await words.message.answer(thanks_text())


@on_words
async def skipped(words: Words) -> None:
    await words.state.clear()
    await words.message.answer(thanks_text())


@on_words
async def not_text(words: Words) -> None:
    await words.message.answer(comment_only_text())


def router() -> Router:
    router = Router(name="feedback")
    router.callback_query.register(rate, RateCb.filter())
    router.callback_query.register(after, AfterCb.filter())
    step = StateFilter(FeedbackComment.writing)
    router.message.register(skipped, step, Customer(), Command("skip"))
    router.message.register(commented, step, Customer(), CommentDue(), Has("text"), NotCommand())
    router.message.register(not_text, step, Customer(), CommentDue(), NotCommand())
    return router
