"""Ready rules: each asks a few questions (a number of minutes, a stage, a text…) and builds the
rule's stored form from the answers. Their names and questions are said by presentation; here
they are keys, kinds and ranges only. Typed answers are read here, in the owner's locale."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.amounts import parse_amount
from services.errors import ErrorCode, InvalidInput
from services.rules import model as m
from services.rules import placeholders
from services.rules.invalid import RuleInvalid
from services.rules.values import TEXT_LENGTH

# What a question asks for.
MINUTES, HOURS, DAYS, MONTHS, AMOUNT = "minutes", "hours", "days", "months", "amount"
STAGE, SOURCE = "stage", "source"
# A text sent to someone (with placeholders), a task's note, a tag.
TEXT, NOTE, TAG = "text", "note", "tag"
WHOLE = (MINUTES, HOURS, DAYS, MONTHS)
CHOICES = (STAGE, SOURCE)
TYPED = (*WHOLE, AMOUNT, TEXT, NOTE, TAG)
SOURCES = ("telegram", "web", "phone", "manual")
NOTE_LENGTH = 200
# Months are counted as whole days for the first time, then by the calendar.
_MONTH_DAYS = 30

Answer = int | str | dict[str, str]
Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    low: int = 1
    high: int = 0


@dataclass(frozen=True)
class Template:
    key: str
    questions: tuple[Question, ...]
    build: Callable[[Answers], dict[str, Any]]

    def stored(self, name: str, answers: Answers) -> dict[str, Any]:
        """The rule's stored form; KeyError when an answer is missing."""
        return {"name": name, "enabled": True, **self.build(answers)}


class WholeRejected(InvalidInput):
    """Not a whole number within the question's range; the range is said back."""

    code = ErrorCode.RULE_NUMBER

    def __init__(self, low: int, high: int) -> None:
        super().__init__()
        self.low, self.high = low, high


class PlaceholderRejected(InvalidInput):
    code = ErrorCode.RULE_PLACEHOLDER

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names


def _task(answers: Answers, after_minutes: int = 0) -> dict[str, Any]:
    note = answers["note"]
    return {"do": m.TASK, "to": m.RESPONSIBLE, "after_minutes": after_minutes, "note": note}


def _message(to: str, answers: Answers) -> dict[str, Any]:
    return {"do": m.MESSAGE, "to": to, "text": answers["text"]}


def _months_after_won(a: Answers) -> dict[str, Any]:
    months = int(str(a["months"]))
    when = {"event": m.DATE, "of": m.WON, "days": months * _MONTH_DAYS, "every_months": months}
    return {"when": when, "then": [_message(m.CUSTOMER, a)]}


TEMPLATES: tuple[Template, ...] = (
    Template(
        "big_to_senior",
        (Question("amount", AMOUNT),),
        lambda a: {
            "when": {"event": m.CROSSED, "field": m.AMOUNT, "value": a["amount"]},
            "then": [{"do": m.ASSIGN, "strategy": "by_level"}],
        },
    ),
    Template(
        "not_taken_next",
        (Question("minutes", MINUTES, 1, 24 * 60),),
        lambda a: {
            "when": {"event": m.NO_RESPONSE, "minutes": a["minutes"]},
            "then": [{"do": m.ASSIGN, "to": m.NEXT}],
        },
    ),
    Template(
        "not_taken_owners",
        (Question("minutes", MINUTES, 1, 24 * 60), Question("text", TEXT)),
        lambda a: {
            "when": {"event": m.NO_RESPONSE, "minutes": a["minutes"]},
            "then": [{"do": m.ASSIGN, "to": m.OWNERS}, _message(m.OWNERS, a)],
        },
    ),
    Template(
        "phone_callback",
        (Question("hours", HOURS, 1, 72), Question("note", NOTE)),
        lambda a: {
            "when": {"event": m.CREATED, "sources": ["phone"]},
            "then": [_task(a, int(str(a["hours"])) * 60)],
        },
    ),
    Template(
        "stage_notice",
        (Question("stage", STAGE), Question("text", TEXT)),
        lambda a: {
            "when": {"event": m.STAGE_ENTERED, "stage": a["stage"]},
            "then": [_message(m.CUSTOMER, a)],
        },
    ),
    Template(
        "idle_task",
        (Question("days", DAYS, 1, 90), Question("note", NOTE)),
        lambda a: {"when": {"event": m.IDLE, "days": a["days"]}, "then": [_task(a)]},
    ),
    Template(
        "contract_reminder",
        (Question("days", DAYS, 1, 365), Question("note", NOTE)),
        lambda a: {
            "when": {"event": m.DATE, "of": m.CONTRACT_END, "days": -int(str(a["days"]))},
            "then": [_task(a)],
        },
    ),
    Template(
        "won_repeat",
        (Question("months", MONTHS, 1, 24), Question("text", TEXT)),
        _months_after_won,
    ),
    Template(
        "overdue_owners",
        (Question("text", TEXT),),
        lambda a: {"when": {"event": m.TASK_OVERDUE}, "then": [_message(m.OWNERS, a)]},
    ),
    Template(
        "tag_source",
        (Question("source", SOURCE), Question("tag", TAG)),
        lambda a: {
            "when": {"event": m.CREATED, "sources": [a["source"]]},
            "then": [{"do": m.SET_TAG, "tag": a["tag"]}],
        },
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}


def template_at(index: int) -> Template:
    if not 0 <= index < len(TEMPLATES):
        raise InvalidInput()
    return TEMPLATES[index]


def by_key(key: str) -> Template:
    template = BY_KEY.get(key)
    if template is None:
        raise InvalidInput()
    return template


def typed_answer(question: Question, text: str, locale: str, field_keys: list[str]) -> Answer:
    """A typed answer read for its question; InvalidInput (a subclass saying why) when it
    can't be. A text is kept in the owner's language."""
    raw = text.strip()
    if question.kind in WHOLE:
        return whole(raw, question.low, question.high)
    if question.kind == AMOUNT:
        amount = parse_amount(raw, locale)
        if amount <= 0:
            raise InvalidInput(ErrorCode.AMOUNT)
        return str(amount)
    if question.kind == TAG:
        tag = raw.lstrip("#").lower()
        try:
            m.parse_action({"do": m.SET_TAG, "tag": tag}, "tag")
        except RuleInvalid:
            raise InvalidInput(ErrorCode.TAG) from None
        return tag
    if not raw or len(raw) > (NOTE_LENGTH if question.kind == NOTE else TEXT_LENGTH):
        raise InvalidInput(ErrorCode.RULE_TEXT)
    if question.kind == NOTE:
        return raw
    return {locale: checked_text(raw, field_keys)}


def checked_text(text: str, field_keys: list[str]) -> str:
    wrong = placeholders.unknown(text, field_keys)
    if wrong:
        raise PlaceholderRejected(wrong)
    return text


def whole(text: str, low: int, high: int) -> int:
    digits = text.replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or not low <= int(digits) <= high:
        raise WholeRejected(low, high)
    return int(digits)
