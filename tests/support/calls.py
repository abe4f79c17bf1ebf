from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod


def buttons(call: Any) -> list[list[tuple[str, str | None]]]:
    """Inline keyboard as (text, callback_data) rows, or reply keyboard as (text, None)."""
    markup = call.reply_markup
    if markup is None:
        return []
    if hasattr(markup, "inline_keyboard"):
        return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    return [[(b.text, None) for b in row] for row in markup.keyboard]


def answer_of(calls: list[TelegramMethod[Any]]) -> AnswerCallbackQuery:
    answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
    assert len(answers) == 1, calls
    return answers[0]


def without_answers(calls: list[TelegramMethod[Any]]) -> list[TelegramMethod[Any]]:
    return [c for c in calls if not isinstance(c, AnswerCallbackQuery)]


def sent_to(calls: list[TelegramMethod[Any]], chat_id: int) -> list[Any]:
    """The calls made to one chat, in order."""
    return [c for c in calls if getattr(c, "chat_id", None) == chat_id]
