from __future__ import annotations

import phonenumbers

from services.errors import ErrorCode, InvalidInput


def normalize_phone(raw: str, region: str) -> str:
    """Return the number in E.164, or raise InvalidInput for anything that is not a phone."""
    text = raw.strip()
    if not text or len(text) > 32:
        raise InvalidInput(ErrorCode.PHONE)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(ErrorCode.PHONE) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(ErrorCode.PHONE)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def display_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
