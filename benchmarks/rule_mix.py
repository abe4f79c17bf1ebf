"""What the rules benchmark runs on: an empty migrated database, the owner, managers on duty,
three deal fields, and the owners' rules: 100 for intake (most of them listening to something
a new request is not) and 20 time rules for the sweep."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot import migrate
from services.access import Actor, actor_of
from services.assignment import WorkingHours
from services.db.engine import create_engine
from services.db.fields import FieldDef
from services.db.users import User
from services.reports.worktime import parse_schedule
from services.rules import manage

HOURS = WorkingHours(parse_schedule("mon-fri 09:00-18:00"), ZoneInfo("Asia/Baku"))
OWNER = 1
MANAGERS = 10
# Stages as migrated: 1-4 open, 5 won, 6 lost.
OPEN_STAGES, WON, LOST = (1, 2, 3, 4), 5, 6
FIELDS = (("budget", "number"), ("visit", "date"), ("city", "text"))
Rule = dict[str, Any]
THANKS = "Thank you, we answer within 15 minutes"


async def fresh(url: str) -> AsyncEngine:
    """The database emptied (PostgreSQL: its public schema dropped) and migrated."""
    engine = create_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    return engine


async def staff(session: AsyncSession, now: datetime) -> Actor:
    """The owner (user 1), managers 2..11 on duty, the deal fields; answers the owner."""
    people = [
        {
            "tg_id": index,
            "role": "owner" if index == OWNER else "manager",
            "first_name": f"M{index}",
            "is_active": True,
            "on_duty": True,
            "blocked": False,
            "created_at": now,
        }
        for index in range(OWNER, OWNER + MANAGERS + 1)
    ]
    await session.execute(insert(User), people)
    fields = [
        {
            "entity": "deal",
            "key": key,
            "kind": kind,
            "names": {"en": key.title()},
            "choices": [],
            "position": position,
            "active": True,
            "created_at": now,
        }
        for position, (key, kind) in enumerate(FIELDS, start=1)
    ]
    await session.execute(insert(FieldDef), fields)
    await session.commit()
    # Ids given by the database in order on an empty one: the owner 1, managers 2..11.
    owner = await session.get_one(User, OWNER)
    return actor_of(owner, "en")


async def make(session: AsyncSession, owner: Actor, rules: list[Rule], now: datetime) -> None:
    for rule in rules:
        await manage.create(session, owner, rule, now)


def _rule(name: str, when: Rule, then: list[Rule], conditions: list[Rule] | None = None) -> Rule:
    return {"name": name, "when": when, "if": conditions or [], "then": then}


def _tag(tag: str) -> list[Rule]:
    return [{"do": "tag", "tag": tag}]


def _tell(to: str | int, words: str) -> list[Rule]:
    return [{"do": "message", "to": to, "text": {"en": words, "ru": words, "az": words}}]


def intake_rules(thanks: bool = True) -> list[Rule]:
    """100 rules as a busy owner might keep them: a few act on every new Telegram request
    (a tag, a word to the customer, timers to escalate it and to notice it idle); many more
    listen to other sources, stages, fields and messages; some look at a new request and find
    their conditions do not hold. Without `thanks`, the word to the customer is a tag instead:
    the same evaluation, one Bot API call less per request."""
    rules: list[Rule] = []
    other_sources = ("web", "phone", "manual")
    for index in range(27):
        source = other_sources[index % 3]
        rules.append(
            _rule(
                f"From {source} {index}",
                {"event": "created", "sources": [source]},
                _tag(f"{source}{index}"),
            )
        )
    unmet = [{"fact": "amount", "op": "ge", "value": 1000 + index * 500} for index in range(4)] + [
        {"fact": "language", "op": "eq", "value": "az"},
        {"fact": "tag", "op": "eq", "value": "vip"},
        {"fact": "field:city", "op": "eq", "value": "Ganja"},
        {"fact": "field:budget", "op": "gt", "value": 5000},
        {"fact": "manager", "op": "eq", "value": 2},
        {"fact": "source", "op": "ne", "value": "telegram"},
    ]
    for index, condition in enumerate(unmet):
        rules.append(
            _rule(
                f"Telegram but {index}",
                {"event": "created", "sources": ["telegram"]},
                _tag(f"special{index}"),
                [condition],
            )
        )
    rules.append(_rule("Chat", {"event": "created", "sources": ["telegram"]}, _tag("chat")))
    rules.append(
        _rule(
            "Thanks",
            {"event": "created", "sources": ["telegram"]},
            _tell("customer", "Thank you, we answer within 15 minutes")
            if thanks
            else _tag("thanks"),
            [{"fact": "working_hours", "op": "eq", "value": True}],
        )
    )
    rules.append(
        _rule(
            "Night",
            {"event": "created"},
            _tag("night"),
            [{"fact": "working_hours", "op": "eq", "value": False}],
        )
    )
    for index in range(20):
        stage = OPEN_STAGES[index % 4] if index < 16 else (WON, LOST)[index % 2]
        kind = "stage_entered" if index % 2 == 0 else "stage_left"
        rules.append(
            _rule(
                f"Stage {index}",
                {"event": kind, "stage": stage},
                _tell("manager", f"Stage {stage} changed"),
            )
        )
    for index in range(10):
        field = ("amount", "budget", "visit", "city")[index % 4]
        rules.append(
            _rule(
                f"Field {index}",
                {"event": "field_changed", "field": field},
                _tag(f"changed{index}"),
            )
        )
    for index in range(10):
        rules.append(
            _rule(
                f"Crossed {index}",
                {"event": "crossed", "field": "amount", "value": 1000 * (index + 1)},
                _tell("owners", f"A deal passed {1000 * (index + 1)}"),
            )
        )
    for index in range(6):
        rules.append(
            _rule(
                f"Wrote {index}",
                {"event": "customer_wrote"},
                _tag(f"wrote{index}"),
                [{"fact": "stage", "op": "eq", "value": OPEN_STAGES[index % 4]}],
            )
        )
    for index in range(5):
        rules.append(
            _rule(
                f"After {index}",
                {"event": "rule_acted", "rule": 40 + index},
                _tag(f"after{index}"),
            )
        )
    for index, minutes in enumerate((15, 30, 60)):
        rules.append(
            _rule(
                f"Nobody took {index}",
                {"event": "no_response", "minutes": minutes},
                [{"do": "assign", "to": "next"}]
                if index < 2
                else _tell("owners", "A request waits"),
            )
        )
    for index, days in enumerate((3, 7, 14)):
        rules.append(
            _rule(
                f"Idle {index}",
                {"event": "idle", "days": days},
                _tell("manager", f"Quiet for {days} days"),
            )
        )
    rules.append(
        _rule(
            "Visit",
            {"event": "date", "of": "field:visit", "days": -1},
            _tell("manager", "A visit tomorrow"),
        )
    )
    rules.append(
        _rule(
            "Won",
            {"event": "date", "of": "won", "days": 30},
            _tell("customer", "How is it going?"),
        )
    )
    rules.append(
        _rule(
            "Overdue", {"event": "task_overdue", "minutes": 60}, _tell("owners", "A task is late")
        )
    )
    assert len(rules) == 100, len(rules)
    return rules


def time_rules() -> list[Rule]:
    """20 time rules: idle after various days, no response after various minutes, days from a
    date field (some repeating), overdue tasks."""
    rules: list[Rule] = []
    for index, days in enumerate((1, 2, 3, 5, 7, 10, 14, 30)):
        then = _tell("manager", f"Quiet for {days} days") if index % 2 else _tag(f"idle{days}")
        rules.append(_rule(f"Idle {days}", {"event": "idle", "days": days}, then))
    for minutes in (15, 30, 60, 240):
        rules.append(
            _rule(
                f"Nobody took {minutes}",
                {"event": "no_response", "minutes": minutes},
                _tell("owners", "A request waits"),
            )
        )
    for index, (days, repeat) in enumerate(
        ((-7, None), (-1, None), (0, None), (1, None), (0, "every_months"), (-3, "every_days"))
    ):
        when: Rule = {"event": "date", "of": "field:visit", "days": days}
        if repeat == "every_months":
            when["every_months"] = 12
        elif repeat == "every_days":
            when["every_days"] = 30
        rules.append(_rule(f"Visit {index}", when, _tell("manager", "A visit is near")))
    rules.append(_rule("Late task", {"event": "task_overdue"}, _tell("manager", "A task is late")))
    rules.append(
        _rule(
            "Very late task",
            {"event": "task_overdue", "minutes": 240},
            _tell("owners", "A task is very late"),
        )
    )
    assert len(rules) == 20, len(rules)
    return rules


def compared(rates: dict[bool, list[float]]) -> dict[str, Any]:
    """The rates without and with the rules (medians over the rounds), and what the rules cost."""
    without, with_rules = statistics.median(rates[False]), statistics.median(rates[True])
    return {
        "rules": len(intake_rules()),
        "requests_per_second_without_rules": round(without, 1),
        "requests_per_second_with_rules": round(with_rules, 1),
        "cost_percent": round(100 * (1 - with_rules / without), 1),
        "goal_percent": 10,
        "without_rules_by_round": [round(rate, 1) for rate in rates[False]],
        "with_rules_by_round": [round(rate, 1) for rate in rates[True]],
    }
