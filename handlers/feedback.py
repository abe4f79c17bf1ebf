"""The customer's answer to the feedback ask: ⭐ 1 … 5, then one message of comment, or Skip
(the button or /skip). Only a message within `COMMENT_WINDOW` of the rating is taken as its
comment: one written later is for the manager, as any other."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from handlers.filters import Customer, Has, NotCommand
from handlers.payloads import Payload, save
from handlers.presses import Press, on_press
from handlers.words import Words, on_words
from presentation.feedback import (
    RateCb,
    SkipCb,
    already_text,
    comment_only_text,
    rated_text,
    skip_keyboard,
    thanks_text,
)
from services import feedback
from services.clock import Clock

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
    await press.state.set_state(FeedbackComment.writing)
    until = int((press.now + COMMENT_WINDOW).timestamp())
    await save(press.state, CommentOn(deal_id=deal_id, until=until))
    await press.show(rated_text(deal_id, rated.rating), skip_keyboard(deal_id))


@on_press
async def skip(press: Press[SkipCb]) -> None:
    await feedback.check(press.session, press.actor.user_id, press.data.deal_id)
    if await press.state.get_state() == FeedbackComment.writing.state:
        await press.state.clear()
    await press.show(thanks_text())


@on_words
async def commented(words: Words) -> None:
    draft = await words.payload(CommentOn)
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
    router.callback_query.register(skip, SkipCb.filter())
    step = StateFilter(FeedbackComment.writing)
    router.message.register(skipped, step, Customer(), Command("skip"))
    router.message.register(commented, step, Customer(), CommentDue(), Has("text"), NotCommand())
    router.message.register(not_text, step, Customer(), CommentDue(), NotCommand())
    return router
