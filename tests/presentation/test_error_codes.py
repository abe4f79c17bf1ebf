"""Every ErrorCode is told to the reader in words of its own, in every language."""

from __future__ import annotations

import pytest

from bot.i18n import create_i18n
from presentation.errors import error_text, generic_text
from services.errors import DomainError, ErrorCode

LOCALES = ["en", "az", "ru"]


def texts(locale: str) -> tuple[dict[ErrorCode, str], str]:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale(locale):
        return {code: error_text(DomainError(code)) for code in ErrorCode}, generic_text()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_code_has_its_own_text(locale: str) -> None:
    """Only the base DomainError's code says the generic words; any other code that fell
    back to them would be a code added without its text."""
    said, generic = texts(locale)
    assert said[ErrorCode.ERROR] == generic
    assert [
        code for code, text in said.items() if code != ErrorCode.ERROR and text == generic
    ] == []


@pytest.mark.parametrize("locale", ["az", "ru"])
def test_every_code_text_is_translated(locale: str) -> None:
    english, _ = texts("en")
    translated, _ = texts(locale)
    assert [code for code in ErrorCode if translated[code] == english[code]] == []


def test_a_code_is_its_string() -> None:
    """The HTTP API and the logs see the plain value, as they did when codes were strings."""
    assert ErrorCode.PHONE == "phone"
    assert f"{ErrorCode.CONTRACT_DATES}" == "contract_dates"
    assert DomainError().code is ErrorCode.ERROR
    assert str(DomainError(ErrorCode.MOMENT)) == "moment"
