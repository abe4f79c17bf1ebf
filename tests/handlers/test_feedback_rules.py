"""The owner's feedback setting (a standard rule: asked on won, on won or lost, or never), and
"a customer rates a deal" as a rule trigger with the rating a condition can look at, also
tried on the past."""

from __future__ import annotations

from sqlalchemy import select

from services.access import actor_of
from services.db.feedback import Feedback
from services.db.rules import DealTag, Rule
from services.db.users import User
from services.rules.past import try_on_past
from tests.support.calls import answer_of, buttons, sent_to, without_answers
from tests.support.deals import ANNA, CARD, LEYLA, OLGA, new_deal, person
from tests.support.harness import Harness
from tests.support.rules import rule

LIST = 961
RAUF = person(101, "Rauf", "az")


def every(call: object) -> list[tuple[str, str | None]]:
    return [button for row in buttons(call) for button in row]


async def asked(tg: Harness) -> list[int]:
    async with tg.app.sessions() as session:
        return list(await session.scalars(select(Feedback.deal_id).order_by(Feedback.deal_id)))


async def test_the_owner_asks_on_won_or_lost_and_then_never(tg: Harness) -> None:
    await tg.send(OLGA, "/start")
    [card] = without_answers(await tg.press(OLGA, "sr:o:5:0:0", LIST))
    assert card.text.splitlines()[:2] == [
        "<b>⭐ Feedback from customers</b>",
        "When a deal is closed (won), its customer is asked in Telegram, in their language, to "
        "rate it from 1 to 5 and may add a comment; once per deal. A rating of 1 or 2 is told "
        "to the owners. Customers without Telegram are not asked.",
    ]
    assert buttons(card)[1] == [("✏️ Change: won", "sr:c:5:0:0")]
    [choose] = without_answers(await tg.press(OLGA, "sr:c:5:0:0", LIST))
    assert buttons(choose) == [
        [("won", "sr:p:5:0:0"), ("won or lost", "sr:p:5:0:1")],
        [("⬅ Back", "sr:o:5:0:0")],
    ]
    saved = await tg.press(OLGA, "sr:p:5:0:1", LIST)
    assert answer_of(saved).text == "Saved."

    # Lost is asked now, in the customer's language.
    await new_deal(tg)
    await tg.press(ANNA, "dk:l:1:1:0", message_id=CARD)
    await tg.press(ANNA, "dk:x:1:1:0", message_id=CARD)
    [ask] = sent_to(await tg.deliver(), LEYLA.id)
    assert ask.text == "Как мы справились с вашей заявкой №1? Пожалуйста, оцените её от 1 до 5."
    assert await asked(tg) == [1]

    # Switched off: a won request is not asked.
    switched = await tg.press(OLGA, "sr:s:5:1:0", LIST)
    assert answer_of(switched).text == "Switched off."
    await new_deal(tg, RAUF, "Need a table")
    await tg.press(ANNA, "dk:g:2:1:5", message_id=CARD)
    assert [c.text for c in sent_to(await tg.deliver(), RAUF.id)] == [
        "Müraciətiniz №2 indi: Uğurlu"
    ]
    assert await asked(tg) == [1]


async def test_a_low_rating_fires_the_owners_rule_and_is_found_in_the_past(
    tg: Harness,
) -> None:
    await new_deal(tg)
    await new_deal(tg, RAUF, "Need a table")
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert olga is not None
        owner = actor_of(olga, "en")
        rule_id = await rule(
            session,
            owner,
            tg.clock,
            when={"event": "rated"},
            **{"if": [{"fact": "rating", "op": "le", "value": 2}]},
            then=[{"do": "tag", "tag": "unhappy"}],
        )
    await tg.press(ANNA, "dk:g:1:1:5", message_id=CARD)
    await tg.press(ANNA, "dk:g:2:1:5", message_id=CARD)
    await tg.deliver()
    await tg.press(LEYLA, "fb:1:1")
    await tg.press(RAUF, "fb:2:5")
    async with tg.app.sessions() as session:
        tagged = await session.execute(select(DealTag.deal_id, DealTag.tag))
        assert [tuple(row) for row in tagged] == [(1, "unhappy")]
        [match] = await try_on_past(session, owner, rule_id, tg.clock.now())
        assert (match.deal_id, match.at) == (1, tg.clock.now())
    [shown] = without_answers(await tg.press(OLGA, f"ru:o:{rule_id}:1:0", LIST))
    assert "When: a customer rates a deal" in shown.text.splitlines()
    assert "• the customer's rating is at most ⭐ 2" in shown.text.splitlines()


async def test_the_owner_builds_the_rule_with_buttons(tg: Harness) -> None:
    [first] = await tg.send(OLGA, "/newrule")
    assert ("⭐ A customer rates a deal", "rb:t:13") in every(first)
    await tg.press(OLGA, "rb:t:13")
    await tg.press(OLGA, "rb:p:0")
    [facts] = without_answers(await tg.press(OLGA, "rb:c:7"))
    assert ("≤ at most", "rb:q:5") in every(facts)
    [value] = without_answers(await tg.press(OLGA, "rb:q:5"))
    assert value.text.splitlines()[-1] == "Send the rating, a whole number from 1 to 5."
    for wrong in ("two", "7", "2.5", "0"):
        [bad] = await tg.send(OLGA, wrong)
        assert bad.text.splitlines()[0] == "Send a whole number in the range asked, or /cancel."
    await tg.send(OLGA, "2")
    await tg.press(OLGA, "rb:n:0")
    await tg.press(OLGA, "rb:p:0")
    await tg.press(OLGA, "rb:x:5")
    await tg.send(OLGA, "#unhappy")
    await tg.press(OLGA, "rb:n:0")
    [review] = await tg.send(OLGA, "Unhappy customers")
    assert review.text.splitlines()[1:4] == [
        "When: a customer rates a deal",
        "If all of these hold:",
        "• the customer's rating is at most ⭐ 2",
    ]
    await tg.press(OLGA, "rb:ok:0")
    async with tg.app.sessions() as session:
        [saved] = await session.scalars(select(Rule))
    assert (saved.trigger, saved.conditions) == (
        {"event": "rated"},
        [{"fact": "rating", "op": "le", "value": "2"}],
    )


async def test_a_deal_a_rule_moves_to_won_is_asked_once(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        olga = await session.scalar(select(User).where(User.tg_id == OLGA.id))
        assert olga is not None
        await rule(
            session,
            actor_of(olga, "en"),
            tg.clock,
            when={"event": "customer_wrote"},
            then=[{"do": "move", "stage": 5}],
        )
    await new_deal(tg)
    await tg.send(LEYLA, "Paid, thank you")
    asks = [c for c in sent_to(await tg.deliver(), LEYLA.id) if buttons(c)]
    assert [c.text for c in asks] == [
        "Как мы справились с вашей заявкой №1? Пожалуйста, оцените её от 1 до 5."
    ]
    assert await asked(tg) == [1]
