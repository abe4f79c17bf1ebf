"""A rule in the reader's words: when …, if …, then …; and why a rule was refused or stopped."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_currency, format_decimal

from presentation.field_values import field_name
from presentation.render import source_name, stage_name
from presentation.units import quantity_text
from services.rules import actions as done
from services.rules import model as m
from services.rules.manage import Lookup


def minutes(n: int) -> str:
    if n and n % (60 * 24) == 0:
        return days(n // (60 * 24))
    if n and n % 60 == 0:
        return ngettext("{n} hour", "{n} hours", n // 60).format(n=n // 60)
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _stage(lookup: Lookup, stage_id: object, locale: str) -> str:
    names = lookup.stages.get(stage_id) if isinstance(stage_id, int) else None
    return f"«{escape(stage_name(names, locale))}»" if names else _("a deleted stage")


def _person(lookup: Lookup, person: object) -> str:
    if person == m.RESPONSIBLE:
        return _("the responsible manager")
    if person == m.OWNERS:
        return _("the owners")
    if person == m.CUSTOMER:
        return _("the customer")
    name = lookup.people.get(person) if isinstance(person, int) else None
    return escape(name) if name else _("someone who left")


def _field(lookup: Lookup, key: str, locale: str) -> str:
    if key == m.AMOUNT:
        return _("the amount")
    field = lookup.fields.get(key)
    return f"«{escape(field_name(field, locale))}»" if field else f"«{escape(key)}»"


def _number(value: Any, locale: str, currency: str, money: bool) -> str:
    number = Decimal(str(value))
    if money:
        return str(format_currency(number, currency, locale=locale))
    return str(format_decimal(number, locale=locale))


def trigger_text(trigger: m.Trigger, lookup: Lookup, locale: str, currency: str) -> str:
    kind = trigger.kind
    if kind == m.CREATED:
        sources = trigger.get("sources") or []
        if not sources:
            return _("a request is created")
        named = ", ".join(source_name(source) for source in sources)
        return _("a request comes from {sources}").format(sources=named)
    if kind == m.STAGE_ENTERED:
        return _("a deal enters {stage}").format(
            stage=_stage(lookup, trigger.get("stage"), locale)
        )
    if kind == m.STAGE_LEFT:
        return _("a deal leaves {stage}").format(
            stage=_stage(lookup, trigger.get("stage"), locale)
        )
    if kind == m.FIELD_CHANGED:
        return _("{field} changes").format(field=_field(lookup, trigger.get("field"), locale))
    if kind == m.CROSSED:
        key = trigger.get("field")
        return _("{field} reaches {value}").format(
            field=_field(lookup, key, locale),
            value=_number(trigger.get("value"), locale, currency, _is_money(lookup, key)),
        )
    if kind == m.CUSTOMER_WROTE:
        return _("the customer writes")
    if kind == m.QUOTE_ACCEPTED:
        return _("the customer accepts a quote")
    if kind == m.PAYMENT_RECEIVED:
        return _("a payment is received")
    if kind == m.RATED:
        return _("a customer rates a deal")
    if kind == m.NO_RESPONSE:
        return _("nobody answers a request within {time} of working time").format(
            time=minutes(trigger.get("minutes"))
        )
    if kind == m.TASK_OVERDUE:
        late = trigger.get("minutes")
        if not late:
            return _("a task becomes overdue")
        return _("a task is overdue by {time}").format(time=minutes(late))
    if kind == m.IDLE:
        return _("nothing happens to an open deal for {time}").format(
            time=days(trigger.get("days"))
        )
    if kind == m.DATE:
        return _date_text(trigger, lookup, locale)
    rule = trigger.get("rule")
    if rule is None:
        return _("another rule acts on a deal")
    return _("rule #{number} acts on a deal").format(number=rule)


def _date_text(trigger: m.Trigger, lookup: Lookup, locale: str) -> str:
    of = trigger.get("of")
    if of == m.WON:
        moment = _("the deal is won")
    elif of == m.CONTRACT_END:
        moment = _("the contract ends")
    else:
        moment = _("the date in {field}").format(
            field=_field(lookup, of[len(m.FIELD_PREFIX) :], locale)
        )
    shift = trigger.get("days") * 24 + trigger.get("hours")
    if shift == 0:
        text = _("on the day {moment}").format(moment=moment)
    elif shift > 0:
        text = _("{time} after {moment}").format(time=minutes(shift * 60), moment=moment)
    else:
        text = _("{time} before {moment}").format(time=minutes(-shift * 60), moment=moment)
    if "every_days" in trigger.params:
        text += ", " + _("then every {time}").format(time=days(trigger.get("every_days")))
    elif "every_months" in trigger.params:
        n = trigger.get("every_months")
        text += ", " + ngettext("then every month", "then every {n} months", n).format(n=n)
    return text


def _is_money(lookup: Lookup, key: str) -> bool:
    field = lookup.fields.get(key)
    return key == m.AMOUNT or (field is not None and field.kind == "money")


def condition_text(condition: m.Condition, lookup: Lookup, locale: str, currency: str) -> str:
    fact, op, value = condition.fact, condition.op, condition.value
    if fact == m.WORKING_HOURS:
        inside = value if op == m.EQ else not value
        return _("within working hours") if inside else _("outside working hours")
    subject = _fact_name(fact, lookup, locale)
    if op == m.EMPTY:
        return _("{fact} is empty").format(fact=subject)
    if op == m.FILLED:
        return _("{fact} is filled").format(fact=subject)
    if op in (m.IN, m.NOT_IN):
        shown = ", ".join(_fact_value(fact, item, lookup, locale, currency) for item in value)
        if op == m.IN:
            return _("{fact} is one of: {values}").format(fact=subject, values=shown)
        return _("{fact} is none of: {values}").format(fact=subject, values=shown)
    shown = _fact_value(fact, value, lookup, locale, currency)
    words = {
        m.EQ: _("{fact} is {value}"),
        m.NE: _("{fact} is not {value}"),
        m.GT: _("{fact} is more than {value}"),
        m.GE: _("{fact} is at least {value}"),
        m.LT: _("{fact} is less than {value}"),
        m.LE: _("{fact} is at most {value}"),
    }
    return words[op].format(fact=subject, value=shown)


def _fact_name(fact: str, lookup: Lookup, locale: str) -> str:
    names = {
        m.SOURCE: _("the source"),
        m.STAGE: _("the stage"),
        m.AMOUNT: _("the amount"),
        m.MANAGER: _("the responsible manager"),
        m.LANGUAGE: _("the customer's language"),
        m.TAG: _("the tags"),
        m.RATING: _("the customer's rating"),
    }
    if fact in names:
        return names[fact]
    return _field(lookup, fact[len(m.FIELD_PREFIX) :], locale)


def _fact_value(fact: str, value: Any, lookup: Lookup, locale: str, currency: str) -> str:
    if fact == m.STAGE:
        return _stage(lookup, value, locale)
    if fact == m.MANAGER:
        return _person(lookup, value)
    if fact == m.SOURCE:
        return escape(source_name(str(value)))
    if fact == m.TAG:
        return f"#{escape(str(value))}"
    if fact == m.RATING:
        return f"⭐ {escape(str(value))}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if fact == m.AMOUNT or (fact.startswith(m.FIELD_PREFIX) and _is_number(value)):
        key = m.AMOUNT if fact == m.AMOUNT else fact[len(m.FIELD_PREFIX) :]
        return _number(value, locale, currency, _is_money(lookup, key))
    return f"«{escape(str(value))}»"


def _is_number(value: Any) -> bool:
    try:
        Decimal(str(value))
    except ArithmeticError:
        return False
    return not isinstance(value, bool)


def action_text(action: m.Action, lookup: Lookup, locale: str, currency: str) -> str:
    kind = action.kind
    if kind == m.ASSIGN:
        if "user" in action.params:
            return _("give the deal to {person}").format(
                person=_person(lookup, action.get("user"))
            )
        if action.get("to") == m.NEXT:
            return _("give the deal to the next manager")
        if action.get("to") == m.OWNERS:
            return _("give the deal to the owners")
        return _("give the deal to a manager: {strategy}").format(
            strategy=strategy_name(action.get("strategy"))
        )
    if kind == m.MOVE:
        return _("move the deal to {stage}").format(
            stage=_stage(lookup, action.get("stage"), locale)
        )
    if kind == m.TASK:
        after = action.get("after_minutes")
        person = _person(lookup, action.get("to"))
        if not after:
            text = _("a task for {person}, due at once").format(person=person)
        elif action.get("working"):
            text = _("a task for {person}, due in {time} of working time").format(
                person=person, time=minutes(after)
            )
        else:
            text = _("a task for {person}, due in {time}").format(
                person=person, time=minutes(after)
            )
        note = action.get("note")
        return f"{text}: «{escape(note)}»" if note else text
    if kind == m.MESSAGE:
        texts = action.get("text")
        sample = texts.get(locale) or next(iter(texts.values()))
        return _("send {person}: «{text}»").format(
            person=_person(lookup, action.get("to")), text=escape(sample)
        )
    if kind == m.SET_FIELD:
        value = action.get("value")
        if value is None:
            return _("clear {field}").format(field=_field(lookup, action.get("field"), locale))
        return _("set {field} to «{value}»").format(
            field=_field(lookup, action.get("field"), locale), value=escape(str(value))
        )
    if kind == m.SET_TAG:
        tag = escape(action.get("tag"))
        if action.get("remove"):
            return _("remove the tag #{tag}").format(tag=tag)
        return _("add the tag #{tag}").format(tag=tag)
    if kind == m.DISCOUNT:
        return _("give a discount of {discount}").format(
            discount=off_text(action, locale, currency)
        )
    return _("post the deal to {url}").format(url=escape(action.get("url")))


def off_text(action: m.Action, locale: str, currency: str) -> str:
    """A discount action's percent ("5%") or amount of money."""
    if m.PERCENT in action.params:
        return f"{quantity_text(Decimal(action.get(m.PERCENT)), locale)}%"
    return _number(action.get(m.AMOUNT), locale, currency, money=True)


def strategy_name(strategy: str) -> str:
    names = {
        "round_robin": _("in turn"),
        "fewest_open": _("the one with the fewest open deals"),
        "by_level": _("by level"),
        "by_language": _("by the customer's language"),
        "by_tag": _("by tag"),
    }
    return names.get(strategy, strategy)


def rule_text(spec: m.RuleSpec, lookup: Lookup, locale: str, currency: str) -> str:
    """The whole rule: its name, then When, If (each condition), Then (each action, in order)."""
    lines = [
        f"<b>{escape(spec.name)}</b>",
        _("When: {trigger}").format(trigger=trigger_text(spec.trigger, lookup, locale, currency)),
    ]
    if spec.conditions:
        lines.append(_("If all of these hold:"))
        lines += [f"• {condition_text(c, lookup, locale, currency)}" for c in spec.conditions]
    lines.append(_("Then:"))
    lines += [
        f"{index}. {action_text(a, lookup, locale, currency)}"
        for index, a in enumerate(spec.actions, 1)
    ]
    return "\n".join(lines)


def failure_text(problem: str) -> str:
    """Why a rule switched itself off."""
    reasons = {
        done.PERSON_GONE: _("a person it names no longer works here"),
        done.STAGE_GONE: _("a stage it names was deleted"),
        done.FIELD_GONE: _("a field it names was deleted or switched off"),
        done.FIELD_VALUE: _("the value it sets no longer fits its field"),
        done.STRATEGY: _("it names an unknown way to assign"),
    }
    return reasons.get(problem, problem)


def invalid_text(where: str, problem: str) -> str:
    """A refused rule: which part, and what is wrong with it."""
    part = _part_name(where)
    problems = {
        "missing": _("{part}: missing"),
        "unknown": _("{part}: not known here"),
        "too_long": _("{part}: too long"),
        "not_yes_no": _("{part}: must be yes or no"),
        "not_list": _("{part}: must be a list"),
        "not_mapping": _("{part}: must be a set of keys and values"),
        "not_whole": _("{part}: must be a whole number"),
        "not_number": _("{part}: must be a number"),
        "not_date": _("{part}: must be a date field"),
        "field_value": _("{part}: does not fit the field"),
        "out_of_range": _("{part}: out of range"),
        "conflict": _("{part}: only one repeat may be given"),
        "url": _("{part}: must be an http or https address"),
        "private_url": _("{part}: a private or local address is not allowed"),
        "secret": _("{part}: must be 32 to 128 hexadecimal characters"),
        "tag": _("{part}: a tag is one word of up to 32 letters"),
        "placeholder": _("{part}: unknown placeholder"),
        "places": _("{part}: at most two decimal places"),
        "one_discount": _("{part}: a percent or an amount, not both"),
        "too_many": _("{part}: too many rules"),
    }
    text = problems.get(problem, _("{part}: not valid"))
    return text.format(part=part)


def _part_name(where: str) -> str:
    head, _dot, rest = where.partition(".")
    index, _dot2, detail = rest.partition(".")
    if head == "then" and index.isdigit():
        base = _("action {n}").format(n=index)
    elif head == "if" and index.isdigit():
        base = _("condition {n}").format(n=index)
    elif head == "when":
        base = _("trigger")
        detail = rest
    elif head == "name":
        return _("name")
    else:
        return escape(where)
    return f"{base} ({escape(detail)})" if detail else base
