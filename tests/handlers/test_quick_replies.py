"""Quick replies, as the team uses them: the owner keeps the team's, a manager their own, in
/replies; Reply on a request offers those in the customer's language, and one pressed reaches
the customer filled in, as a typed reply does."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from aiogram.types import User as TgUser
from sqlalchemy import select

from services.db.deals import Deal, Message
from services.db.replies import QuickReply
from services.db.users import User
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, LEYLA, OLGA, make_manager, new_deal
from tests.support.harness import Harness

PROMPT = 940
NOT_ALLOWED = ("Sorry, you can't do that.", True)
OVER = "That question is over: press Reply on the request again. Nothing was sent."
GREETING = "Здравствуйте, {name}! Заявка #{number}: {amount}."


def tabs(shown: int) -> list[tuple[str, str]]:
    names = ("English", "Azərbaycanca", "Русский")
    return [
        (f"• {name}" if index == shown else name, f"qr:s:0:{index}")
        for index, name in enumerate(names)
    ]


async def kept(tg: Harness) -> list[tuple[int, int | None, str, str, str]]:
    async with tg.app.sessions() as session:
        rows = await session.scalars(select(QuickReply).order_by(QuickReply.id))
        return [(r.id, r.user_id, r.language, r.title, r.text) for r in rows]


async def add(
    tg: Harness, who: TgUser, team: int, language: int, title: str, text: str
) -> list[Any]:
    """`who` adds a reply (the team's when `team`) in the language of that index."""
    await tg.press(who, f"qr:a:{team}:0")
    await tg.press(who, f"qr:l:{team}:{language}")
    await tg.send(who, title)
    return await tg.send(who, text)


async def test_the_owner_keeps_the_team_s_replies(tg: Harness) -> None:
    [empty] = await tg.send(OLGA, "/replies")
    assert empty.text == (
        "<b>Quick replies</b> · English\n"
        "Reply on a request offers those in the customer's language. {name}, {number} and "
        "{amount} are filled in when one is sent.\n\n"
        "<b>The team's</b>\nNone yet.\n\n<b>Yours</b>\nNone yet."
    )
    assert buttons(empty) == [
        tabs(0),
        [("➕ A reply for the team", "qr:a:1:0")],
        [("➕ A reply of my own", "qr:a:0:0")],
    ]
    [languages] = without_answers(await tg.press(OLGA, "qr:a:1:0"))
    assert languages.text == (
        "In which language is the reply? It is offered to customers who speak it."
    )
    assert buttons(languages) == [
        [("English", "qr:l:1:0")],
        [("Azərbaycanca", "qr:l:1:1")],
        [("Русский", "qr:l:1:2")],
    ]
    [title] = without_answers(await tg.press(OLGA, "qr:l:1:2", message_id=PROMPT))
    assert (title.message_id, title.text) == (
        PROMPT,
        "A title for the reply in Русский, up to 32 characters: it goes on its button. "
        "/cancel to stop.",
    )
    [long] = await tg.send(OLGA, "x" * 33)
    assert long.text == (
        "A title is 1 to 32 characters: it goes on a button. Send another one, or /cancel."
    )
    [text] = await tg.send(OLGA, "  Приветствие ")
    assert text.text == (
        "Now the text the customer gets. {name} (the customer's name), {number} (the "
        "request's number) and {amount} (its amount) are filled in when it is sent. "
        "/cancel to stop."
    )
    [unknown] = await tg.send(OLGA, "Здравствуйте, {name}! Цена {price}, {manager}.")
    assert unknown.text == (
        "The text names something I don't know: {price}, {manager}. Only {name}, {number} "
        "and {amount} are filled in. Send it again, or /cancel."
    )
    assert await kept(tg) == []
    [saved] = await tg.send(OLGA, GREETING)
    assert saved.text.startswith(
        "✅ Saved: RU · <b>Приветствие</b>: Здравствуйте, {name}! Заявка #{number}: {amount}."
        "\n\n<b>Quick replies</b> · Русский\n"
    )
    assert await kept(tg) == [(1, None, "ru", "Приветствие", GREETING)]
    assert buttons(saved) == [
        tabs(2),
        [("🗑 RU · Приветствие", "qr:x:0:1")],
        [("➕ A reply for the team", "qr:a:1:0")],
        [("➕ A reply of my own", "qr:a:0:0")],
    ]

    removed = await tg.press(OLGA, "qr:x:0:1")
    assert answer_of(removed).text == "Removed."
    [listed] = without_answers(removed)
    assert listed.text == empty.text.replace("English", "Русский")
    assert await kept(tg) == []
    again = answer_of(await tg.press(OLGA, "qr:x:0:1"))
    assert (again.text, again.show_alert) == ("Not found: it may have been removed.", True)


async def test_a_manager_keeps_their_own_and_not_the_team_s(tg: Harness) -> None:
    await make_manager(tg, ANNA.id, "Anna")
    await make_manager(tg, BAKO.id, "Bako")
    await add(tg, OLGA, 1, 0, "Hello", "Hello {name}!")
    for forged in ("qr:a:1:0", "qr:l:1:0", "qr:x:0:1"):
        answer = answer_of(await tg.press(ANNA, forged))
        assert (answer.text, answer.show_alert) == NOT_ALLOWED, forged
    [saved] = await add(tg, ANNA, 0, 1, "Kataloq", "Kataloqumuz, {name}.")
    assert saved.text.startswith("✅ Saved: AZ · <b>Kataloq</b>: Kataloqumuz, {name}.")
    [listed] = await tg.send(ANNA, "/replies")
    assert listed.text.endswith(
        "<b>The team's</b>\nEN · <b>Hello</b>: Hello {name}!\n\n<b>Yours</b>\nNone yet."
    )
    assert buttons(listed) == [tabs(0), [("➕ A reply of my own", "qr:a:0:0")]]
    [listed] = without_answers(await tg.press(ANNA, "qr:s:0:1"))
    assert listed.text.endswith(
        "<b>The team's</b>\nNone yet.\n\n<b>Yours</b>\nAZ · <b>Kataloq</b>: Kataloqumuz, {name}."
    )
    assert buttons(listed) == [
        tabs(1),
        [("🗑 AZ · Kataloq", "qr:x:0:2")],
        [("➕ A reply of my own", "qr:a:0:0")],
    ]
    # Another manager neither sees nor removes it.
    [bakos] = without_answers(await tg.press(BAKO, "qr:s:0:1"))
    assert bakos.text.endswith("<b>Yours</b>\nNone yet.")
    answer = answer_of(await tg.press(BAKO, "qr:x:0:2"))
    assert (answer.text, answer.show_alert) == NOT_ALLOWED
    assert [row[0] for row in await kept(tg)] == [1, 2]
    [refused] = await tg.send(LEYLA, "/replies")
    assert refused.text == (
        "Не удалось понять сообщение. Напишите словами, что вам нужно, или отправьте фото или "
        "документ."
    )


async def test_reply_offers_the_customer_s_language_and_sends_one_filled(tg: Harness) -> None:
    await new_deal(tg)  # Leyla writes in Russian
    await make_manager(tg, BAKO.id, "Bako")
    await add(tg, OLGA, 1, 2, "Приветствие", GREETING)
    await add(tg, OLGA, 1, 0, "Hello", "Hello {name}!")
    await add(tg, ANNA, 0, 2, "Каталог", "Вот каталог, {name}.")
    await add(tg, BAKO, 0, 2, "Bako's", "Bako {name}")
    [prompt] = without_answers(await tg.press(ANNA, "d:r:1"))
    assert prompt.text == (
        "Write your reply to request #1: text, a photo or a document, or choose a quick "
        "reply. /cancel to stop."
    )
    assert buttons(prompt) == [[("💬 Приветствие", "qa:1:1")], [("💬 Каталог", "qa:1:3")]]

    no_amount = answer_of(await tg.press(ANNA, "qa:1:1", message_id=PROMPT))
    assert (no_amount.text, no_amount.show_alert) == (
        "This reply names the amount, and the request has none yet. Nothing was sent.",
        True,
    )
    forged = answer_of(await tg.press(ANNA, "qa:1:4", message_id=PROMPT))
    assert (forged.text, forged.show_alert) == NOT_ALLOWED
    async with tg.app.sessions() as session:
        (await session.get_one(Deal, 1)).amount = Decimal("1500.50")
        await session.commit()

    sent = await tg.press(ANNA, "qa:1:1", message_id=PROMPT)
    assert answer_of(sent).text == "Sent to the customer of request #1."
    [edited] = without_answers(sent)
    assert (edited.message_id, edited.text, edited.reply_markup) == (
        PROMPT,
        "Sent to the customer of request #1.",
        None,
    )
    [relayed] = await tg.deliver()
    filled = "Здравствуйте, Leyla! Заявка #1: 1\xa0500,50\xa0AZN."
    assert (relayed.chat_id, relayed.text) == (LEYLA.id, f"<b>Anna</b>, заявка №1:\n{filled}")
    async with tg.app.sessions() as session:
        said = await session.scalars(select(Message).where(Message.direction == "out"))
        assert [(m.deal_id, m.kind, m.text) for m in said] == [(1, "text", filled)]
    # Pressed again, or once the question is over, it sends nothing.
    twice = answer_of(await tg.press(ANNA, "qa:1:3", message_id=PROMPT))
    assert (twice.text, twice.show_alert) == (OVER, True)
    assert await tg.deliver() == []


async def test_only_the_deal_s_people_are_offered_and_send(tg: Harness) -> None:
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    await add(tg, OLGA, 1, 2, "Каталог", "Вот каталог, {name}.")
    refused = answer_of(await tg.press(BAKO, "d:r:1"))
    assert (refused.text, refused.show_alert) == NOT_ALLOWED
    over = answer_of(await tg.press(BAKO, "qa:1:1"))
    assert (over.text, over.show_alert) == (OVER, True)
    [prompt] = without_answers(await tg.press(OLGA, "d:r:1"))
    assert buttons(prompt) == [[("💬 Каталог", "qa:1:1")]]
    # The owner's prompt is the owner's: Anna pressing its data has no question open.
    stale = answer_of(await tg.press(ANNA, "qa:1:1"))
    assert (stale.text, stale.show_alert) == (OVER, True)
    assert answer_of(await tg.press(OLGA, "qa:1:1")).text == "Sent to the customer of request #1."
    [relayed] = await tg.deliver()
    assert relayed.text == "<b>Olga</b>, заявка №1:\nВот каталог, Leyla."


async def test_a_full_language_is_said_before_the_title_is_asked(tg: Harness) -> None:
    for n in range(20):
        await add(tg, OLGA, 1, 0, f"Team {n:02}", "Hi")
    await add(tg, OLGA, 0, 0, "Mine", "Hi")
    await tg.press(OLGA, "qr:a:1:0")
    pressed = await tg.press(OLGA, "qr:l:1:0", message_id=PROMPT)
    assert without_answers(pressed) == []
    full = "There are 20 quick replies in this language already; remove one first."
    assert (answer_of(pressed).text, answer_of(pressed).show_alert) == (full, True)
    # Nothing is being asked: what is typed next is not taken for a title.
    await tg.send(OLGA, "One more")
    assert len(await kept(tg)) == 21
    # Her own in that language, and the team's in another, still have room.
    [title] = without_answers(await tg.press(OLGA, "qr:l:0:0", message_id=PROMPT))
    assert title.text.startswith("A title for the reply in English")
    [title] = without_answers(await tg.press(OLGA, "qr:l:1:1", message_id=PROMPT))
    assert title.text.startswith("A title for the reply in Azərbaycanca")


async def test_a_language_s_replies_fit_one_message_whatever_is_kept(tg: Harness) -> None:
    """Each language's, the team's and one's own at their fullest, fit one message and its
    buttons; the other languages are a press away."""
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(User.id).where(User.tg_id == OLGA.id))
        for language in ("en", "az", "ru"):
            for keeper in (None, olga):
                for n in range(20):
                    session.add(
                        QuickReply(
                            user_id=keeper,
                            language=language,
                            title=f"{n:02} " + "&" * 29,
                            text="<" * 1000,
                            created_by=olga,
                            created_at=tg.app.clock.now(),
                        )
                    )
        await session.commit()
    for index, listed in enumerate(
        [
            *await tg.send(OLGA, "/replies"),
            *without_answers(await tg.press(OLGA, "qr:s:0:1")),
            *without_answers(await tg.press(OLGA, "qr:s:0:2")),
        ]
    ):
        shown = html.unescape(re.sub(r"</?b>", "", listed.text))
        assert len(shown) <= 4096
        assert shown.count(": " + "<" * 49 + "…\n") == 39  # and the last one's
        assert sum(len(row) for row in buttons(listed)) == 3 + 40 + 2
        assert buttons(listed)[0] == tabs(index)
