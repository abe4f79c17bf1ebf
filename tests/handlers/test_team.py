from __future__ import annotations

from datetime import timedelta

from aiogram.methods import DeleteMyCommands, SendMessage, SetMyCommands
from sqlalchemy import select

from services.db.deals import Deal
from services.db.users import Invite, User
from services.invites import token_hash
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.harness import OWNER_ID, Harness, person

OLGA = person(OWNER_ID, "Olga")
ANNA = person(200, "Anna", username="anna_m")
BAKO = person(201, "Bako")


async def invite_link(tg: Harness) -> str:
    [call] = await tg.send(OLGA, "/invite")
    assert call.chat_id == OWNER_ID
    assert call.text.startswith("Send this link to your new manager. It works once, until ")
    return call.text.splitlines()[-1]


async def join(tg: Harness, user: object, link: str) -> list[object]:
    token = link.rsplit("=", 1)[1]
    return await tg.send(user, f"/start {token}")  # type: ignore[arg-type]


async def test_owner_start_shows_the_owner_menu(tg: Harness) -> None:
    [call] = await tg.send(OLGA, "/start")
    assert call.text.splitlines()[0] == "Hello, Olga! You are the owner."
    assert "/invite: invite a manager" in call.text
    assert call.reply_markup is None


async def test_invite_link_makes_a_manager_once_and_tells_the_owner(tg: Harness) -> None:
    link = await invite_link(tg)
    assert link.startswith("https://t.me/axin_bot?start=")
    token = link.rsplit("=", 1)[1]
    async with tg.app.sessions() as session:
        invite = await session.scalar(select(Invite))
    assert invite.token_hash == token_hash(token) != token

    commands, greeting = await join(tg, ANNA, link)
    assert isinstance(commands, SetMyCommands)
    assert commands.scope.chat_id == ANNA.id
    assert [c.command for c in commands.commands] == [
        "start",
        "deals",
        "new",
        "find",
        "customers",
        "tasks",
        "task",
        "replies",
        "contracts",
        "catalog",
        "stock",
        "duty",
        "language",
        "cancel",
        "help",
    ]
    assert greeting.text.startswith("Welcome to the team, Anna! You are a manager now")
    [told] = await tg.deliver()
    assert (told.chat_id, told.text) == (OWNER_ID, "🎉 Anna joined the team as a manager.")

    [refused] = await join(tg, BAKO, link)
    assert refused.text.startswith("This invite link is invalid, used or expired.")
    async with tg.app.sessions() as session:
        roles = dict((await session.execute(select(User.tg_id, User.role))).all())
    assert roles[ANNA.id] == "manager" and roles[BAKO.id] == "customer"


async def test_invite_expires_after_a_day(tg: Harness) -> None:
    link = await invite_link(tg)
    tg.app.clock.advance(timedelta(hours=24, seconds=1))  # type: ignore[attr-defined]
    [refused] = await join(tg, ANNA, link)
    assert refused.text.startswith("This invite link is invalid, used or expired.")


async def test_only_the_owner_may_invite(tg: Harness) -> None:
    [refused] = await tg.send(ANNA, "/invite")
    assert refused.text == "Sorry, you can't do that."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(Invite)) is None


async def test_team_lists_duty_and_open_deals_and_deactivation_hands_deals_over(
    tg: Harness,
) -> None:
    await join(tg, ANNA, await invite_link(tg))
    await join(tg, BAKO, await invite_link(tg))
    await tg.send(BAKO, "/duty")
    await tg.send(person(100, "Leyla"), "need help")
    await tg.deliver()

    [team] = await tg.send(OLGA, "/team")
    assert team.text.splitlines() == [
        "<b>Your team</b>",
        "• Anna: on duty, 1 open request",
        "• Bako: off duty, 0 open requests",
    ]
    anna_id, bako_id = 2, 3
    assert buttons(team) == [
        [("Deactivate Anna", f"t:0:{anna_id}"), ("⚙️ Anna", f"tm:s:{anna_id}:")],
        [("Deactivate Bako", f"t:0:{bako_id}"), ("⚙️ Bako", f"tm:s:{bako_id}:")],
    ]

    await tg.send(BAKO, "/duty")
    calls = await tg.press(OLGA, f"t:0:{anna_id}")
    assert answer_of(calls).text == "Anna is deactivated; 1 open request was handed over."
    delete, edit = without_answers(calls)
    assert isinstance(delete, DeleteMyCommands) and delete.scope.chat_id == ANNA.id
    assert edit.text.splitlines()[1] == "• Bako: on duty, 1 open request"
    async with tg.app.sessions() as session:
        deal = await session.get_one(Deal, 1)
    assert deal.manager_id == bako_id
    sent = await tg.deliver()
    assert {(c.chat_id, c.text.splitlines()[0]) for c in sent} == {
        (BAKO.id, "<b>Request #1</b>"),
        (
            ANNA.id,
            "The owner has turned off your manager access. Your open requests were handed over.",
        ),
    }
    [as_customer] = await tg.send(ANNA, "/start")
    assert as_customer.text.startswith("Hello, Anna! Tell us what you need")


async def test_a_manager_cannot_deactivate_anyone(tg: Harness) -> None:
    await join(tg, ANNA, await invite_link(tg))
    await join(tg, BAKO, await invite_link(tg))
    calls = await tg.press(ANNA, "t:0:3")
    answer = answer_of(calls)
    assert (answer.text, answer.show_alert) == ("Sorry, you can't do that.", True)
    assert without_answers(calls) == []
    async with tg.app.sessions() as session:
        assert (await session.get_one(User, 3)).is_active is True


async def test_duty_toggles(tg: Harness) -> None:
    await join(tg, ANNA, await invite_link(tg))
    [off] = await tg.send(ANNA, "/duty")
    assert off.text == "You are off duty: new requests go to others."
    [on] = await tg.send(ANNA, "/duty")
    assert on.text == "You are on duty: new requests will come to you."
    [refused] = await tg.send(person(100, "Leyla"), "/duty")
    assert refused.text == "Sorry, you can't do that."
    assert isinstance(refused, SendMessage)
