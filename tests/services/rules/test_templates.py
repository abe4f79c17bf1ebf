"""Ready rules: every template builds a rule that parses, and typed answers are read in the
owner's language or refused saying why."""

from __future__ import annotations

import pytest

from services.errors import ErrorCode, InvalidInput
from services.rules import templates as t
from services.rules.model import parse_rule

SAMPLES: dict[str, t.Answer] = {
    "amount": "5000.00",
    "minutes": 15,
    "hours": 2,
    "days": 3,
    "months": 6,
    "stage": 2,
    "source": "web",
    "tag": "vip",
    "text": {"en": "Hello {customer}"},
    "note": "Call back",
}


@pytest.mark.parametrize("template", t.TEMPLATES, ids=lambda template: template.key)
def test_every_template_builds_a_rule_that_parses(template: t.Template) -> None:
    answers = {question.key: SAMPLES[question.key] for question in template.questions}
    spec = parse_rule(template.stored("A rule", answers))
    assert spec.name == "A rule" and spec.enabled
    assert len(template.key) <= 32


def test_what_the_templates_build() -> None:
    assert t.by_key("not_taken_owners").stored(
        "Escalate", {"minutes": 30, "text": {"en": "!"}}
    ) == {
        "name": "Escalate",
        "enabled": True,
        "when": {"event": "no_response", "minutes": 30},
        "then": [
            {"do": "assign", "to": "owners"},
            {"do": "message", "to": "owners", "text": {"en": "!"}},
        ],
    }
    assert t.by_key("not_taken_next").build({"minutes": 10})["then"] == [
        {"do": "assign", "to": "next"}
    ]
    assert t.by_key("big_to_senior").build({"amount": "5000.00"}) == {
        "when": {"event": "crossed", "field": "amount", "value": "5000.00"},
        "then": [{"do": "assign", "strategy": "by_level"}],
    }
    assert t.by_key("phone_callback").build({"hours": 2, "note": "Call"}) == {
        "when": {"event": "created", "sources": ["phone"]},
        "then": [{"do": "task", "to": "manager", "after_minutes": 120, "note": "Call"}],
    }
    assert t.by_key("contract_reminder").build({"days": 7, "note": "Renew"})["when"] == {
        "event": "date",
        "of": "contract_end",
        "days": -7,
    }
    assert t.by_key("won_repeat").build({"months": 6, "text": {"en": "Hi"}})["when"] == {
        "event": "date",
        "of": "won",
        "days": 180,
        "every_months": 6,
    }
    assert t.by_key("tag_source").build({"source": "web", "tag": "site"})["then"] == [
        {"do": "tag", "tag": "site"}
    ]


@pytest.mark.parametrize(
    ("kind", "locale", "typed", "answer"),
    [
        (t.MINUTES, "en", " 45 ", 45),
        (t.AMOUNT, "en", "5,000", "5000.00"),
        (t.AMOUNT, "az", "5 000,50", "5000.50"),
        (t.AMOUNT, "ru", "12000", "12000.00"),
        (t.TAG, "en", "#VIP", "vip"),
        (t.NOTE, "ru", "  Перезвонить ", "Перезвонить"),
        (t.TEXT, "az", "Salam, {customer}! #{number}", {"az": "Salam, {customer}! #{number}"}),
        (t.TEXT, "en", "Paid {field.paid}", {"en": "Paid {field.paid}"}),
    ],
)
def test_typed_answers_are_read(kind: str, locale: str, typed: str, answer: t.Answer) -> None:
    question = t.Question("q", kind, 1, 1440)
    assert t.typed_answer(question, typed, locale, ["paid"]) == answer


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        (t.MINUTES, "fifteen", ErrorCode.RULE_NUMBER),
        (t.MINUTES, "0", ErrorCode.RULE_NUMBER),
        (t.MINUTES, "1441", ErrorCode.RULE_NUMBER),
        (t.MINUTES, "1.5", ErrorCode.RULE_NUMBER),
        (t.AMOUNT, "5 000,50", ErrorCode.AMOUNT),
        (t.AMOUNT, "-5", ErrorCode.NEGATIVE_AMOUNT),
        (t.AMOUNT, "0", ErrorCode.AMOUNT),
        (t.TAG, "two words", ErrorCode.TAG),
        (t.TEXT, "Hi {nobody}", ErrorCode.RULE_PLACEHOLDER),
        (t.TEXT, "   ", ErrorCode.RULE_TEXT),
        (t.NOTE, "x" * 201, ErrorCode.RULE_TEXT),
    ],
)
def test_bad_answers_are_refused(kind: str, typed: str, code: ErrorCode) -> None:
    with pytest.raises(InvalidInput) as refused:
        t.typed_answer(t.Question("q", kind, 1, 1440), typed, "en", ["paid"])
    assert refused.value.code == code


def test_a_refused_number_says_its_range_and_a_placeholder_its_name() -> None:
    with pytest.raises(t.WholeRejected) as refused:
        t.whole("99", 1, 24)
    assert (refused.value.low, refused.value.high) == (1, 24)
    with pytest.raises(t.PlaceholderRejected) as wrong:
        t.checked_text("{customer} {nobody} {field.gone}", ["paid"])
    assert wrong.value.names == ["nobody", "field.gone"]


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(InvalidInput):
        t.template_at(len(t.TEMPLATES))
    with pytest.raises(InvalidInput):
        t.by_key("nothing")
