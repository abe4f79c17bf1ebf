"""The rule builder's choices and the values typed into it, in a rule's stored form. Each part
is checked by the model's own parser once it is whole, so a part the builder accepts is one
the rule accepts."""

from __future__ import annotations

from typing import Any

from services.access import SUPPORTED_LOCALES
from services.amounts import parse_amount, parse_number
from services.dates import parse_date
from services.errors import ErrorCode, InvalidInput
from services.field_kinds import CHOICE, DATE, MONEY, NUMBER, YES_NO, FieldView
from services.rules import model as m
from services.rules.offer import Offer

SOURCES = ("telegram", "web", "phone", "manual")
LANGUAGES = SUPPORTED_LOCALES
ADD_TAG, REMOVE_TAG = "tag_add", "tag_remove"
OFFERED_ACTIONS = (
    m.ASSIGN,
    m.MOVE,
    m.TASK,
    m.MESSAGE,
    m.SET_FIELD,
    ADD_TAG,
    REMOVE_TAG,
    m.WEBHOOK,
    m.DISCOUNT,
)
# Who a task or a message is for, besides a named person; and whom a deal is given to.
TASK_FOR = (m.RESPONSIBLE, m.OWNERS)
MESSAGE_FOR = (m.CUSTOMER, m.RESPONSIBLE, m.OWNERS)
GIVE_TO = (m.NEXT, m.OWNERS)
DATE_FROM = (m.WON, m.CONTRACT_END)
# How a fact's value is given: typed as a number, picked on buttons, typed as words, or the
# working hours' yes or no.
NUMERIC, PICKED, WORDS, HOURS = "numeric", "picked", "words", "hours"
_EQUALITY = (m.EQ, m.NE)
_PRESENCE = (m.EMPTY, m.FILLED)


def action_start(choice: str) -> dict[str, Any]:
    if choice in (ADD_TAG, REMOVE_TAG):
        return {"do": m.SET_TAG, "remove": choice == REMOVE_TAG}
    return {"do": choice}


def fact_field(fact: str, offer: Offer) -> FieldView | None:
    if not fact.startswith(m.FIELD_PREFIX):
        return None
    return offer.field_by_key(fact[len(m.FIELD_PREFIX) :])


def fact_kind(fact: str, offer: Offer) -> str:
    field = fact_field(fact, offer)
    if fact == m.WORKING_HOURS:
        return HOURS
    if fact in (m.AMOUNT, m.RATING) or (field is not None and field.kind in (NUMBER, MONEY)):
        return NUMERIC
    if fact in (m.SOURCE, m.STAGE, m.MANAGER, m.LANGUAGE):
        return PICKED
    if field is not None and field.kind in (YES_NO, CHOICE):
        return PICKED
    return WORDS


def operators(fact: str, offer: Offer) -> tuple[str, ...]:
    """The comparisons that fit the fact, in the order offered."""
    kind = fact_kind(fact, offer)
    if kind == HOURS:
        return ()
    compared = (m.GT, m.GE, m.LT, m.LE, *_EQUALITY) if kind == NUMERIC else _EQUALITY
    may_be_empty = fact in (m.AMOUNT, m.MANAGER, m.TAG, m.RATING) or fact.startswith(
        m.FIELD_PREFIX
    )
    return compared + _PRESENCE if may_be_empty else compared


def picked(fact: str, arg: int, offer: Offer) -> str | int | bool:
    """The value of a fact's button: an index, or a stage's or person's id."""
    field = fact_field(fact, offer)
    if fact == m.SOURCE and arg < len(SOURCES):
        return SOURCES[arg]
    if fact == m.LANGUAGE and arg < len(LANGUAGES):
        return LANGUAGES[arg]
    if fact == m.STAGE and offer.stage(arg) is not None:
        return arg
    if fact == m.MANAGER and offer.person(arg) is not None:
        return arg
    if fact == m.WORKING_HOURS and arg in (0, 1):
        return bool(arg)
    if field is not None and field.kind == YES_NO and arg in (0, 1):
        return bool(arg)
    if field is not None and field.kind == CHOICE and arg < len(field.choices):
        return field.choices[arg].key
    raise InvalidInput(ErrorCode.FIELD_CHOICE)


def typed(fact: str, text: str, offer: Offer, locale: str) -> str:
    """A typed value of a fact: a number as the reader writes it, a date, a tag or words."""
    field = fact_field(fact, offer)
    if fact == m.AMOUNT or (field is not None and field.kind == MONEY):
        return str(parse_amount(text, locale))
    if fact == m.RATING:
        return str(_rating(text, locale))
    if field is not None and field.kind == NUMBER:
        return str(parse_number(text, locale, ErrorCode.FIELD_NUMBER))
    if field is not None and field.kind == DATE:
        return parse_date(text, ErrorCode.FIELD_DATE).isoformat()
    if fact == m.TAG:
        return tag(text)
    if not text.strip():
        raise InvalidInput(ErrorCode.EMPTY_TEXT)
    return text.strip()


def _rating(text: str, locale: str) -> int:
    """A rating as customers give it: a whole number from 1 to 5."""
    number = parse_number(text, locale, ErrorCode.RULE_NUMBER)
    if number != number.to_integral_value() or not 1 <= number <= 5:
        raise InvalidInput(ErrorCode.RULE_NUMBER)
    return int(number)


def tag(text: str) -> str:
    """A tag as rules keep it (lower case, without #)."""
    action = m.parse_action({"do": m.SET_TAG, "tag": text}, "tag")
    return str(action.get("tag"))


def number(text: str, field_key: str, offer: Offer, locale: str) -> str:
    """The value a trigger waits for a number to reach: money as money, else any number."""
    field = offer.field_by_key(field_key)
    if field_key == m.AMOUNT or (field is not None and field.kind == MONEY):
        return str(parse_amount(text, locale))
    return str(parse_number(text, locale, ErrorCode.FIELD_NUMBER))
