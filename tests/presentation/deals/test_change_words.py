"""What a manager is told when someone else changed their deal, in their language: az calls a
request "müraciət" as the rest of the bot does, and names typed by the owner stay text."""

from __future__ import annotations

import pytest

from bot.i18n import create_i18n
from presentation.deals.changes import amount_text, by_rule, handed_over_text, moved_text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            [
                "Rule «&lt;VIP&gt;» moved request #7 from New to A&amp;B.",
                "Olga changed the amount of request #7: — → AZN5.00.",
                "Olga handed request #7 over to Bako.",
            ],
        ),
        (
            "az",
            [
                "«&lt;VIP&gt;» qaydası №7 müraciətini «New» mərhələsindən «A&amp;B» "
                "mərhələsinə keçirdi.",
                "Olga №7 müraciətinin məbləğini dəyişdi: — → AZN5.00.",
                "Olga №7 müraciətini başqasına verdi: Bako.",
            ],
        ),
        (
            "ru",
            [
                "Правило «&lt;VIP&gt;»: заявка №7 переведена с этапа «New» на «A&amp;B».",
                "Olga: сумма заявки №7 изменена: — → AZN5.00.",
                "Olga: заявка №7 передана — Bako.",
            ],
        ),
    ],
)
def test_the_line_is_in_the_managers_language(locale: str, expected: list[str]) -> None:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale(locale):
        texts = [
            moved_text(by_rule("<VIP>"), 7, "New", "A&B"),
            amount_text("Olga", 7, None, "AZN5.00"),
            handed_over_text("Olga", 7, "Bako"),
        ]
    assert texts == expected
