"""The customer's answer to the feedback ask: ⭐ 1 … 5, then one message of comment, or Skip
(the button or /skip)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup

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


class FeedbackComment(StatesGroup):
    writing = State()


class CommentOn(Payload):
    """FeedbackComment.writing: the deal the comment is about."""

    deal_id: int


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
    await save(press.state, CommentOn(deal_id=deal_id))
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
    router.message.register(commented, step, Customer(), Has("text"), NotCommand())
    router.message.register(not_text, step, Customer(), NotCommand())
    return router
