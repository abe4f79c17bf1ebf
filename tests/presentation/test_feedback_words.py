"""Feedback in Azerbaijani calls a request «müraciət», as the stage notice just before the ask
and the standard rule beside it do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiogram.utils.i18n import gettext as _

from bot.i18n import create_i18n
from presentation.feedback import already_text, ask_text, low_alert_text, rated_text
from presentation.rules.standard import title
from services.rules import standard


@pytest.fixture
def i18n() -> Iterator[None]:
    translations = create_i18n("en")
    with translations.context(), translations.use_locale("az"):
        yield


@pytest.mark.usefixtures("i18n")
def test_the_customer_and_the_owners_read_muraciet() -> None:
    assert ask_text(12) == (
        "№12 müraciətiniz üzrə işimizi necə qiymətləndirirsiniz? "
        "Zəhmət olmasa, 1-dən 5-ə qədər qiymət verin."
    )
    assert rated_text(12, 4).splitlines() == [
        "Təşəkkür edirik! №12 müraciətə verdiyiniz qiymət: ⭐ 4.",
        "Şərh əlavə etmək istəyirsiniz? «💬 Şərh» düyməsini basın.",
    ]
    assert already_text(12, 4) == "№12 müraciəti artıq qiymətləndirmisiniz: ⭐ 4."
    assert low_alert_text(12, 2, "Leyla", "Anna") == (
        "⚠️ №12 müraciətə aşağı qiymət: Leyla — ⭐ 2 (menecer Anna)."
    )
    assert _("a customer rates a deal") == "müştəri müraciəti qiymətləndirir"
    assert title(standard.FEEDBACK) == "⭐ Müştərilərin rəyi"
    assert _("A deal closes ({closing}) → the customer asked to rate it").startswith(
        "Müraciət bağlanır"
    )
