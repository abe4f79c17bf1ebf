"""/assignment and the manager pages of /team: the owner changes who gets a request from the
phone; typed values are checked; nobody else can change them, whatever the buttons say."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from services.db.assignment import AssignmentRule
from services.db.users import User
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.harness import OWNER_ID, Harness, person

OLGA = person(OWNER_ID, "Olga")
OLGA_RU = person(OWNER_ID, "Olga", language="ru")
ANNA = person(200, "Anna")
LEYLA = person(300, "Leyla")
COMPANY_HOURS = "Working hours: the company's, Mon–Fri, 09:00–18:00"
WEEK = [("✅", day) for day in ("Mon", "Tue", "Wed", "Thu", "Fri")] + [
    ("▫️", "Sat"),
    ("▫️", "Sun"),
]


async def _manager(tg: Harness) -> int:
    async with tg.app.sessions() as session:
        manager = User(tg_id=ANNA.id, role="manager", first_name="Anna", created_at=tg.clock.now())
        session.add(manager)
        await session.commit()
        return manager.id


async def _rule(tg: Harness) -> AssignmentRule | None:
    async with tg.app.sessions() as session:
        return await session.scalar(select(AssignmentRule))


async def test_assignment_shows_the_strategies_and_switches_them(tg: Harness) -> None:
    [shown] = await tg.send(OLGA, "/assignment")
    lines = shown.text.splitlines()
    assert lines[:2] == ["<b>Who gets a new request</b>", "Now: In turn"]
    assert lines[3] == (
        "✅ <b>In turn</b>: each manager on duty in turn, the one waiting longest first."
    )
    assert buttons(shown) == [
        [("✅ In turn", "as:c:round_robin")],
        [("Fewest open requests", "as:c:fewest_open")],
        [("By level", "as:c:by_level")],
        [("By the customer's language", "as:c:by_language")],
        [("By tag", "as:c:by_tag")],
        [("💰 Amount threshold", "as:a:"), ("🏷 Tag", "as:t:")],
    ]
    [edit] = without_answers(await tg.press(OLGA, "as:c:fewest_open"))
    assert edit.text.splitlines()[1] == "Now: Fewest open requests"
    rule = await _rule(tg)
    assert rule is not None and rule.strategy == "fewest_open"


async def test_the_threshold_is_typed_the_owners_way_and_checked(tg: Harness) -> None:
    [prompt] = without_answers(await tg.press(OLGA_RU, "as:a:"))
    assert prompt.text.startswith("Пришлите сумму")
    [refused] = await tg.send(OLGA_RU, "пять тысяч")
    assert refused.text.startswith("Это не похоже на сумму.")
    assert await _rule(tg) is None
    [shown] = await tg.send(OLGA_RU, "5 000,50")
    assert "Порог суммы для самого высокого уровня: 5\xa0000,50\xa0AZN" in shown.text
    rule = await _rule(tg)
    assert rule is not None and rule.level_from == Decimal("5000.50")


async def test_nobody_else_changes_the_rule_even_with_forged_buttons(tg: Harness) -> None:
    await _manager(tg)
    [refused] = await tg.send(ANNA, "/assignment")
    assert refused.text == "Sorry, you can't do that."
    calls = await tg.press(ANNA, "as:c:by_tag")
    assert answer_of(calls).text == "Sorry, you can't do that."
    calls = await tg.press(OLGA, "as:c:random")
    assert answer_of(calls).text == "Choose one of the offered ways."
    assert await _rule(tg) is None


async def test_team_buttons_set_level_capacity_languages_and_tags(tg: Harness) -> None:
    manager_id = await _manager(tg)
    [team] = await tg.send(OLGA, "/team")
    assert buttons(team) == [
        [("Deactivate Anna", f"t:0:{manager_id}"), ("⚙️ Anna", f"tm:s:{manager_id}:")]
    ]
    [page] = without_answers(await tg.press(OLGA, f"tm:s:{manager_id}:"))
    assert page.text.splitlines() == [
        "<b>Anna</b>",
        "Level: 1",
        "Capacity (open requests at most): no limit",
        "Languages served: English, Azərbaycanca, Русский",
        "Tags: none",
        COMPANY_HOURS,
    ]
    assert buttons(page)[1] == [
        ("✅ EN", f"tm:g:{manager_id}:en"),
        ("✅ AZ", f"tm:g:{manager_id}:az"),
        ("✅ RU", f"tm:g:{manager_id}:ru"),
    ]
    [prompt] = without_answers(await tg.press(OLGA, f"tm:l:{manager_id}:"))
    assert prompt.text.startswith("Send the level, a whole number from 1 to 9")
    [refused] = await tg.send(OLGA, "12")
    assert refused.text == "A level is a whole number from 1 to 9. Send another one, or /cancel."
    [page] = await tg.send(OLGA, "3")
    assert page.text.splitlines()[1] == "Level: 3"

    await tg.press(OLGA, f"tm:c:{manager_id}:")
    [refused] = await tg.send(OLGA, "many")
    assert refused.text.startswith("Send how many open requests at most, from 1 to 999")
    [page] = await tg.send(OLGA, "5")
    assert page.text.splitlines()[2] == "Capacity (open requests at most): 5"

    [page] = without_answers(await tg.press(OLGA, f"tm:g:{manager_id}:az"))
    assert page.text.splitlines()[3] == "Languages served: English, Русский"

    await tg.press(OLGA, f"tm:t:{manager_id}:")
    [page] = await tg.send(OLGA, "#VIP web")
    assert page.text.splitlines()[4] == "Tags: #vip #web"
    async with tg.app.sessions() as session:
        anna = await session.get_one(User, manager_id)
    assert (anna.level, anna.capacity, anna.languages, anna.tags) == (3, 5, "en ru", "vip web")


async def test_a_managers_own_working_hours_set_from_their_page(tg: Harness) -> None:
    manager_id = await _manager(tg)
    [page] = without_answers(await tg.press(OLGA, f"tm:s:{manager_id}:"))
    assert buttons(page)[3:6] == [
        [(f"{mark} {day}", f"tm:d:{manager_id}:{n}") for n, (mark, day) in enumerate(WEEK[:4])],
        [
            (f"{mark} {day}", f"tm:d:{manager_id}:{n + 4}")
            for n, (mark, day) in enumerate(WEEK[4:])
        ],
        [("🕘 Hours", f"tm:h:{manager_id}:")],
    ]
    [prompt] = without_answers(await tg.press(OLGA, f"tm:h:{manager_id}:"))
    assert prompt.text.startswith("Send the manager's working hours, like 14:00-22:00.")
    [refused] = await tg.send(OLGA, "evenings")
    assert refused.text == "Write working hours like 09:00-18:00."
    [page] = await tg.send(OLGA, "14:00-22:00")
    assert page.text.splitlines()[5] == "Working hours: Mon–Fri, 14:00–22:00"
    [page] = without_answers(await tg.press(OLGA, f"tm:d:{manager_id}:5"))
    assert page.text.splitlines()[5] == "Working hours: Mon–Sat, 14:00–22:00"
    assert buttons(page)[5] == [
        ("🕘 Hours", f"tm:h:{manager_id}:"),
        ("↩ The company's hours", f"tm:w:{manager_id}:"),
    ]
    calls = await tg.press(OLGA, f"tm:d:{manager_id}:x")
    assert answer_of(calls).text == "Write working hours like 09:00-18:00."
    async with tg.app.sessions() as session:
        anna = await session.get_one(User, manager_id)
    assert (anna.work_days, anna.work_start, anna.work_end) == (0b0111111, 840, 1320)
    [page] = without_answers(await tg.press(OLGA, f"tm:w:{manager_id}:"))
    assert page.text.splitlines()[5] == COMPANY_HOURS
    calls = await tg.press(ANNA, f"tm:d:{manager_id}:6")
    assert answer_of(calls).text == "Sorry, you can't do that."


async def test_a_manager_cannot_press_the_owners_team_buttons(tg: Harness) -> None:
    manager_id = await _manager(tg)
    calls = await tg.press(ANNA, f"tm:g:{manager_id}:en")
    assert answer_of(calls).text == "Sorry, you can't do that."
    calls = await tg.press(ANNA, f"tm:l:{manager_id}:")
    assert answer_of(calls).text == "Sorry, you can't do that."
    async with tg.app.sessions() as session:
        anna = await session.get_one(User, manager_id)
    assert (anna.languages, anna.level) == ("en az ru", 1)


async def test_outside_working_hours_the_owner_gets_the_request_and_is_told_why(
    tg: Harness,
) -> None:
    await _manager(tg)
    tg.clock.advance(timedelta(hours=6))  # Monday 19:00 in Baku: closed
    await tg.send(OLGA, "/start")  # the owner's name becomes known
    await tg.send(LEYLA, "A grey sofa, please")
    sent = [call for call in await tg.deliver() if call.chat_id == OWNER_ID]
    texts = [call.text for call in sent]
    assert "⚠️ Request #1 went to Olga: it arrived outside working hours." in texts
