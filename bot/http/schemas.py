"""Request bodies of the HTTP API. The handlers validate with these models and the OpenAPI
document is generated from them, so the two cannot disagree."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LeadIn(Body):
    """A website form. A phone or an e-mail is needed to reach the person."""

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


class CallIn(Body):
    """A phone-system event. A missed incoming call sets a call-back task; an answered call
    closes it."""

    phone: str = Field(min_length=1, max_length=32, description="The customer's number")
    status: Literal["missed", "answered", "busy", "failed"]
    direction: Literal["in", "out"]
    external_id: str = Field(
        min_length=1, max_length=128, description="The call's id; a repeat is accepted once"
    )
    occurred_at: AwareDatetime | None = Field(
        default=None, description="When the call happened (ISO 8601 with a zone); default now"
    )


class ContractIn(Body):
    """A deal's contract; sending it again replaces number and dates."""

    number: str = Field(min_length=1, max_length=64)
    starts_on: date
    ends_on: date


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
    status: Literal["ok", "error"]
    database: Literal["ok", "unreachable"]


class Problem(BaseModel):
    error: Literal["unauthorized", "invalid", "too_large", "not_found"]
    field: str | None = Field(default=None, description="The field at fault, for 400")
    message: str
