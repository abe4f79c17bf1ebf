"""Feedback: a won request's customer is asked in their language to rate it with ⭐ 1 … 5 and
may add one comment when they tap 💬 Comment; only they can answer, once; the card shows it; a
low rating alerts the owners; customers without Telegram are not asked."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select, update

from services.db.customers import Customer
from services.db.deals import Event
from services.db.feedback import Feedback
from services.db.outbox import Outbox
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, BAKO, CARD, LEYLA, OLGA, new_deal
from tests.support.harness import Harness

STARS = [
    [
        ("⭐ 1", "fb:1:1"),
        ("⭐ 2", "fb:1:2"),
        ("⭐ 3", "fb:1:3"),
        ("⭐ 4", "fb:1:4"),
        ("⭐ 5", "fb:1:5"),
    ]
]
ASKED = 777  # the ask's message id in Leyla's chat


async def won(tg: Harness) -> list[SendMessage]:
    """Anna takes Leyla's request #1 and wins it; what Leyla is sent."""
    await new_deal(tg)
    await tg.press(ANNA, "d:t:1", message_id=CARD)
    calls = await tg.press(ANNA, "dk:g:1:2:5", message_id=CARD)
    assert answer_of(calls).text == "Moved to Won."
    return sent_to(await tg.deliver(), LEYLA.id)


async def given(tg: Harness) -> tuple[int | None, str | None, int | None] | None:
    async with tg.app.sessions() as session:
        row = await session.get(Feedback, 1)
        return None if row is None else (row.rating, row.comment, row.manager_id)


async def test_the_customer_rates_a_won_request_and_comments(tg: Harness) -> None:
    notice, ask = await won(tg)
    assert notice.text == "Ваша заявка №1 теперь: Успешно"
    assert ask.text == "Как мы справились с вашей заявкой №1? Пожалуйста, оцените её от 1 до 5."
    assert buttons(ask) == STARS
    assert await given(tg) == (None, None, 2)

    calls = await tg.press(LEYLA, "fb:1:4", message_id=ASKED)
    [edit] = without_answers(calls)
    assert isinstance(edit, EditMessageText)
    assert (edit.chat_id, edit.message_id) == (LEYLA.id, ASKED)
    assert edit.text.splitlines() == [
        "Спасибо! Ваша оценка заявки №1: ⭐ 4.",
        "Хотите добавить комментарий? Нажмите «💬 Комментарий».",
    ]
    assert buttons(edit) == [[("💬 Комментарий", "fs:c:1"), ("Пропустить", "fs:s:1")]]
    [prompt] = without_answers(await tg.press(LEYLA, "fs:c:1", message_id=ASKED))
    assert isinstance(prompt, EditMessageText)
    assert prompt.text == "Напишите комментарий одним сообщением или нажмите «Пропустить» (/skip)."
    assert buttons(prompt) == [[("Пропустить", "fs:s:1")]]
    [thanks] = await tg.send(LEYLA, "Fast and polite")
    assert thanks.text == "Спасибо за отзыв!"
    assert await given(tg) == (4, "Fast and polite", 2)
    # The comment was not taken for a message to the manager, and a good rating alerts nobody.
    assert await tg.deliver() == []

    [card] = without_answers(await tg.press(ANNA, "do:1"))
    assert card.text.splitlines()[-1] == "⭐ 4 · «Fast and polite»"
    async with tg.app.sessions() as session:
        rows = await session.execute(
            select(Event.kind, Event.to_value).where(Event.kind.in_(["rated", "rating_comment"]))
        )
        assert [tuple(row) for row in rows] == [
            ("rated", "4"),
            ("rating_comment", "Fast and polite"),
        ]
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:3:0", message_id=CARD))
    assert "⭐ rated 4 by the customer" in history.text
    assert "💬 the customer's comment: «Fast and polite»" in history.text


async def test_one_rating_per_request_and_only_from_its_customer(tg: Harness) -> None:
    await won(tg)
    for stranger in (ANNA, BAKO, OLGA):
        calls = await tg.press(stranger, "fb:1:1")
        assert answer_of(calls).text == "Sorry, you can't do that."
    refused = await tg.press(LEYLA, "fb:1:9")
    assert answer_of(refused).text == "Не удалось это прочитать."
    assert await given(tg) == (None, None, 2)

    await tg.press(LEYLA, "fb:1:5", message_id=ASKED)
    # A changed mind is answered and changes nothing: the first rating stands.
    calls = await tg.press(LEYLA, "fb:1:1", message_id=ASKED)
    assert without_answers(calls) == []
    assert answer_of(calls).text == "Вы уже оценили заявку №1: ⭐ 5."
    assert await given(tg) == (5, None, 2)
    # Skip ends the question; a message after it goes to the manager as usual.
    skipped = await tg.press(LEYLA, "fs:s:1", message_id=ASKED)
    [edit] = without_answers(skipped)
    assert (edit.text, edit.reply_markup) == ("Спасибо за отзыв!", None)
    await tg.send(LEYLA, "And one more thing")
    assert await given(tg) == (5, None, 2)
    assert sent_to(await tg.deliver(), ANNA.id) != []
    # Nobody else can skip for her either.
    for action in "cs":
        refused = await tg.press(ANNA, f"fs:{action}:1")
        assert answer_of(refused).text == "Sorry, you can't do that."


async def test_skip_by_command_and_a_photo_is_not_a_comment(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:3", message_id=ASKED)
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    [asked] = await tg.send(LEYLA, photo="p1")
    assert asked.text == "Пожалуйста, напишите комментарий текстом или /skip."
    [thanks] = await tg.send(LEYLA, "/skip")
    assert thanks.text == "Спасибо за отзыв!"
    assert await given(tg) == (3, None, 2)


async def test_a_low_rating_and_its_comment_alert_the_owners(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:2", message_id=ASKED)
    [alert] = await tg.deliver()
    assert (alert.chat_id, alert.text) == (
        OLGA.id,
        "⚠️ Low rating for request #1: ⭐ 2 from Leyla (manager Anna).",
    )
    assert buttons(alert) == [[("📂 Open request #1", "do:1")]]
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    await tg.send(LEYLA, "Late <again>")
    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (
        OLGA.id,
        "💬 The customer's comment on request #1 (⭐ 2): «Late &lt;again&gt;»",
    )


async def test_customers_without_telegram_are_not_asked(tg: Harness) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        await session.execute(update(Customer).values(user_id=None))
        await session.commit()
    await tg.press(ANNA, "d:t:1", message_id=CARD)
    await tg.press(ANNA, "dk:g:1:2:5", message_id=CARD)
    await tg.deliver()
    assert await given(tg) is None
    async with tg.app.sessions() as session:
        kinds = await session.scalars(select(Outbox.kind))
        assert "feedback_ask" not in list(kinds)


async def test_a_message_long_after_the_comment_tap_is_not_its_comment(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:5", message_id=ASKED)
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    tg.clock.advance(timedelta(hours=1, seconds=1))
    assert await tg.send(LEYLA, "Need 5 more chairs") == []
    # As any message after a closed request: a new one, to the manager.
    [card] = sent_to(await tg.deliver(), ANNA.id)
    assert card.text.splitlines()[:4] == [
        "<b>Request #2</b>",
        "📍 New ▰▱▱▱▱",
        "👤 Leyla",
        "💬 Need 5 more chairs",
    ]
    assert await given(tg) == (5, None, 2)


async def test_a_request_reopened_and_won_again_is_not_asked_again(tg: Harness) -> None:
    await won(tg)
    await tg.press(OLGA, "dk:u:1:3:0", message_id=CARD)
    await tg.press(ANNA, "dk:g:1:4:5", message_id=CARD)
    [notice] = sent_to(await tg.deliver(), LEYLA.id)
    assert notice.text == "Ваша заявка №1 теперь: Успешно"


async def test_a_long_comment_is_cut_on_the_card_and_whole_in_the_history(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:5", message_id=ASKED)
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    words = "Very good " * 90
    await tg.send(LEYLA, words)
    assert await given(tg) == (5, words.strip(), 2)
    [card] = without_answers(await tg.press(ANNA, "do:1"))
    assert card.text.splitlines()[-1] == f"⭐ 5 · «{words[:199]}…»"
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:3:0", message_id=CARD))
    assert f"💬 the customer's comment: «{words.strip()}»" in history.text
