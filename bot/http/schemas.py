"""Request bodies of the HTTP API. The handlers validate with these models and the OpenAPI
document is generated from them, so the two cannot disagree."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def _iso_date(value: object) -> object:
    # A number would otherwise be read as seconds since 1970.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is a string YYYY-MM-DD")
    return value


def _iso_date_time(value: object) -> object:
    if not isinstance(value, str) or not _ISO_DATE_TIME.match(value):
        raise ValueError("a date-time is an ISO 8601 string with a zone")
    return value


def _in_utc(moment: datetime) -> datetime:
    # Stored in UTC: a moment at the ends of the calendar may have no UTC date.
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the date-time is out of range") from exc


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_date_time), AfterValidator(_in_utc)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _storable(cls, value: object) -> object:
        # PostgreSQL refuses NUL in text, and no form or phone system means one.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


FieldValueIn = Annotated[
    str | float | bool | None,
    Field(
        description='Text; a number or money as a JSON number or a string ("1234.50"); '
        "a date as YYYY-MM-DD; yes/no as a boolean; one of a list as the option's key; "
        "null clears the field"
    ),
]


class LeadIn(Body):
    """A website form. A phone or an e-mail is needed to reach the person."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Leyla",
                    "phone": "+994 50 123 45 67",
                    "email": "leyla@example.com",
                    "message": "20 chairs, please",
                    "source": "landing",
                    "external_id": "form-1",
                }
            ]
        }
    )

    name: str = Field(default="", max_length=256, description="Who filled in the form")
    phone: str | None = Field(
        default=None, max_length=32, description="Any common format; stored as E.164"
    )
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    message: str = Field(default="", max_length=4000, description="What they asked for")
    source: str | None = Field(default=None, max_length=64, description="Form or campaign")
    external_id: str = Field(
        min_length=1, max_length=128, description="The form's own id; a repeat is accepted once"
    )
    fields: dict[str, FieldValueIn] | None = Field(
        default=None, description="The deal's fields by key, as PUT /api/v1/deals/{id}/fields"
    )


class CallIn(Body):
    """A phone-system event. A missed incoming call sets a call-back task; an answered call
    closes it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "phone": "+994501234567",
                    "status": "missed",
                    "direction": "in",
                    "external_id": "call-1",
                    "occurred_at": "2026-03-02T12:00:00+04:00",
                }
            ]
        }
    )

    phone: str = Field(min_length=1, max_length=32, description="The customer's number")
    status: Literal["missed", "answered", "busy", "failed"]
    direction: Literal["in", "out"]
    external_id: str = Field(
        min_length=1, max_length=128, description="The call's id; a repeat is accepted once"
    )
    occurred_at: IsoDateTime | None = Field(
        default=None, description="When the call happened (ISO 8601 with a zone); default now"
    )


class ContractIn(Body):
    """A deal's contract; sending it again replaces number and dates."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"number": "A-17", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}]
        }
    )

    number: str = Field(min_length=1, max_length=64)
    starts_on: IsoDate
    ends_on: IsoDate


class FieldsIn(Body):
    """A deal's fields by key (the keys /fields shows the owner); a field not named is left as
    it is. The deal's own fields and its customer's can be set."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [{"delivery_date": "2026-12-31", "prepayment": "150.00", "vip": True}]
        },
    )
    __pydantic_extra__: dict[str, FieldValueIn] = Field(init=False)

    @property
    def values(self) -> dict[str, object]:
        return dict(self.__pydantic_extra__ or {})


class FieldsOut(BaseModel):
    deal_id: int
    fields: dict[str, str | bool] = Field(
        description="Every filled field of the deal and its customer; numbers as strings"
    )


class LeadAccepted(BaseModel):
    deal_id: int
    customer_id: int
    assigned: bool = Field(description="Whether a manager (or an owner) got the deal")
    duplicate: bool = Field(description="True when this external_id was accepted before")


class CallAccepted(BaseModel):
    action: Literal["callback_task", "callback_closed", "recorded"]
    deal_id: int | None
    task_id: int | None
    duplicate: bool = Field(description="True when this external_id was accepted before")


class ContractOut(BaseModel):
    contract_id: int
    deal_id: int
    number: str
    starts_on: date
    ends_on: date
    status: Literal["active", "renewed", "not_renewing"]


class Health(BaseModel):
    status: Literal["ok", "error"] = Field(description="error when anything checked fails")
    database: Literal["ok", "unreachable"]
    redis: Literal["ok", "unreachable"] | None = Field(
        default=None, description="Whether Redis answers a PING; present when REDIS_URL is set"
    )


class Problem(BaseModel):
    error: Literal["unauthorized", "invalid", "too_large", "not_found", "conflict", "unavailable"]
    field: str | None = Field(default=None, description="The field at fault, for 400")
    message: str
