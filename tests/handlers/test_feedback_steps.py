"""Feedback and the customer's own conversation: nothing they write unasked is taken for a
comment, and rating never ends a request they are still describing."""

from __future__ import annotations

from tests.handlers.test_feedback import ASKED, given, won
from tests.support.calls import answer_of, sent_to, without_answers
from tests.support.deals import ANNA, LEYLA, new_deal, person
from tests.support.harness import Harness

RAUF = person(101, "Rauf", "az")


def card_head(text: str) -> list[str]:
    return text.splitlines()[:4]


async def described_and_skipped(tg: Harness) -> None:
    """Leyla describes her request, is asked for a phone, skips it: Anna gets request #2."""
    [asked] = await tg.send(LEYLA, "Ten tables")
    assert asked.text.startswith("Спасибо! По какому номеру менеджер может вам позвонить?")
    await tg.send(LEYLA, "Пропустить")
    [card] = sent_to(await tg.deliver(), ANNA.id)
    assert card_head(card.text)[::3] == ["<b>Request #2</b>", "💬 Ten tables"]


async def test_a_new_request_right_after_rating_goes_to_a_manager(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:5", message_id=ASKED)
    assert await tg.send(LEYLA, "Need 5 more chairs") == []
    [card] = sent_to(await tg.deliver(), ANNA.id)
    assert card_head(card.text) == [
        "<b>Request #2</b>",
        "📍 New ▰▱▱▱▱",
        "👤 Leyla",
        "💬 Need 5 more chairs",
    ]
    assert await given(tg) == (5, None, 2)


async def test_rating_while_describing_a_request_keeps_the_request(tg: Harness) -> None:
    await won(tg)
    await tg.send(LEYLA, "/new")
    await tg.press(LEYLA, "fb:1:4", message_id=ASKED)
    await described_and_skipped(tg)
    assert await given(tg) == (4, None, 2)


async def test_the_comment_waits_for_a_request_being_described(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:4", message_id=ASKED)
    await tg.send(LEYLA, "/new")
    calls = await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    assert without_answers(calls) == []
    assert answer_of(calls).text == (
        "Сначала завершите заявку (или отмените её: /cancel), затем добавьте комментарий."
    )
    await described_and_skipped(tg)
    assert await given(tg) == (4, None, 2)


async def test_no_comment_before_the_rating(tg: Harness) -> None:
    await won(tg)
    calls = await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    assert without_answers(calls) == []
    assert answer_of(calls).text == "Не удалось это прочитать."
    assert await tg.send(LEYLA, "Thanks a lot") == []
    assert await given(tg) == (None, None, 2)


async def test_cancel_ends_the_comment_and_the_next_message_reaches_the_manager(
    tg: Harness,
) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:4", message_id=ASKED)
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    cancelled, _menu = await tg.send(LEYLA, "/cancel")
    assert cancelled.text == "Отменено. Ничего не отправлено."
    assert await tg.send(LEYLA, "Need 5 more chairs") == []
    [card] = sent_to(await tg.deliver(), ANNA.id)
    assert card_head(card.text)[::3] == ["<b>Request #2</b>", "💬 Need 5 more chairs"]
    assert await given(tg) == (4, None, 2)


async def test_another_customer_cannot_rate_or_comment(tg: Harness) -> None:
    await won(tg)
    await new_deal(tg, RAUF, "Need a table")
    for forged in ("fb:1:1", "fs:c:1", "fs:s:1"):
        assert answer_of(await tg.press(RAUF, forged)).text == "Bağışlayın, bunu edə bilməzsiniz."
    assert await given(tg) == (None, None, 2)


async def test_a_comment_too_long_is_not_cut_but_asked_shorter(tg: Harness) -> None:
    await won(tg)
    await tg.press(LEYLA, "fb:1:2", message_id=ASKED)
    await tg.deliver()
    await tg.press(LEYLA, "fs:c:1", message_id=ASKED)
    [asked] = await tg.send(LEYLA, "x" * 1001)
    assert asked.text == (
        "Комментарий длиннее 1\u00a0000 символов. Пожалуйста, сократите его и отправьте снова "
        "или /skip."
    )
    assert await given(tg) == (2, None, 2)
    [thanks] = await tg.send(LEYLA, "x" * 1000)
    assert thanks.text == "Спасибо за отзыв!"
    assert await given(tg) == (2, "x" * 1000, 2)
