"""The owners' notice of a request no manager could get, in each owner's language."""

from __future__ import annotations

import pytest

from bot.i18n import create_i18n
from presentation.assignment import fallback_text
from services.assignment import AT_CAPACITY, CLOSED, NOBODY_ON_DUTY


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            [
                "⚠️ Request #7 went to Olga: no manager is on duty.",
                "⚠️ Request #7 went to Olga: every manager on duty has as many open requests "
                "as their capacity allows.",
                "⚠️ Request #7 went to Olga: it arrived outside working hours.",
            ],
        ),
        (
            "az",
            [
                "⚠️ #7 müraciəti Olga üçün getdi: heç bir menecer növbədə deyil.",
                "⚠️ #7 müraciəti Olga üçün getdi: növbətçi menecerlərin hamısında limitin icazə "
                "verdiyi qədər açıq müraciət var.",
                "⚠️ #7 müraciəti Olga üçün getdi: o, iş saatlarından kənar gəldi.",
            ],
        ),
        (
            "ru",
            [
                "⚠️ Заявка #7 ушла к Olga: ни один менеджер не на дежурстве.",
                "⚠️ Заявка #7 ушла к Olga: у всех дежурных менеджеров столько открытых заявок, "
                "сколько позволяет их лимит.",
                "⚠️ Заявка #7 ушла к Olga: она пришла в нерабочее время.",
            ],
        ),
    ],
)
def test_the_notice_says_why_in_the_owners_language(locale: str, expected: list[str]) -> None:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale(locale):
        texts = [
            fallback_text(7, reason, "Olga") for reason in (NOBODY_ON_DUTY, AT_CAPACITY, CLOSED)
        ]
    assert texts == expected
