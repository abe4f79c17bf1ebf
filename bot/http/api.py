"""The endpoints: each is a route, its request model and its answers, listed once in
ENDPOINTS, which both the server and the OpenAPI document read. Handlers call services only."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.http.answers import answer, problem
from bot.http.body import API_MAX_BODY, Refused, json_object, read_limited
from bot.http.payments import PaymentAccepted, PaymentIn, post_payment
from bot.http.schemas import (
    Body,
    CallAccepted,
    CallIn,
    ContractIn,
    ContractOut,
    FieldsIn,
    FieldsOut,
    LeadAccepted,
    LeadIn,
    Problem,
)
from bot.runtime import Serving
from bot.settings import working_hours_of
from services import api_tokens, contracts, fields
from services.calls import CallEvent, record_call
from services.db.errors import unavailable
from services.errors import ErrorCode, FieldRejected, InvalidInput, NotFound
from services.ids import is_id
from services.leads import Lead, submit_lead

APP: web.AppKey[Serving] = web.AppKey("axin_app", Serving)
# A deal id in a path: plain ASCII digits, not every digit int() reads.
DEAL_ID = re.compile(r"[0-9]{1,10}")
# Domain error codes → the request field they are about.
FIELDS: dict[ErrorCode, str] = {
    ErrorCode.PHONE: "phone",
    ErrorCode.CONTRACT_NUMBER: "number",
    ErrorCode.CONTRACT_DATES: "ends_on",
}

Handler = Callable[[Serving, Any, int | None, web.Request], Awaitable[web.Response]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    body: type[Body]
    handler: Handler
    # Status → (description, answer model).
    answers: dict[int, tuple[str, type[BaseModel]]] = field(default_factory=dict)
    # Where in the body a field's value sits: its key, under this prefix.
    fields_at: str = ""


async def _leads(
    app: Serving, body: LeadIn, token_id: int | None, request: web.Request
) -> web.Response:
    lead = Lead(
        body.name,
        body.phone,
        body.email,
        body.message,
        body.source,
        body.external_id,
        dict(body.fields or {}),
    )
    async with app.sessions() as session:
        result, duplicate = await submit_lead(
            session,
            lead,
            token_id=token_id,
            region=app.settings.phone_region,
            now=app.clock.now(),
            hours=working_hours_of(app.settings),
        )
    app.sender.wake()
    return answer(LeadAccepted(**result, duplicate=duplicate), 200 if duplicate else 201)


async def _calls(
    app: Serving, body: CallIn, token_id: int | None, request: web.Request
) -> web.Response:
    call = CallEvent(body.phone, body.status, body.direction, body.external_id, body.occurred_at)
    async with app.sessions() as session:
        result, duplicate = await record_call(
            session,
            call,
            token_id=token_id,
            region=app.settings.phone_region,
            callback_after=app.settings.missed_call_callback_after,
            now=app.clock.now(),
            hours=working_hours_of(app.settings),
        )
    app.sender.wake()
    return answer(CallAccepted(**result, duplicate=duplicate), 200 if duplicate else 201)


def _deal_id(request: web.Request) -> int | None:
    text = request.match_info["deal_id"]
    deal_id = int(text) if DEAL_ID.fullmatch(text) else None
    return deal_id if deal_id is not None and is_id(deal_id) else None


async def _fields(
    app: Serving, body: FieldsIn, token_id: int | None, request: web.Request
) -> web.Response:
    deal_id = _deal_id(request)
    if deal_id is None:
        return problem(404, "not_found", "no such deal")
    async with app.sessions() as session:
        filled = await fields.put_from_api(session, deal_id, body.values, app.clock.now())
    return answer(FieldsOut(deal_id=deal_id, fields=filled), 200)


async def _contract(
    app: Serving, body: ContractIn, token_id: int | None, request: web.Request
) -> web.Response:
    deal_id = _deal_id(request)
    if deal_id is None:
        return problem(404, "not_found", "no such deal")
    async with app.sessions() as session:
        contract = await contracts.set_contract(
            session, None, deal_id, body.number, body.starts_on, body.ends_on, app.clock.now()
        )
    out = ContractOut(
        contract_id=contract.contract_id,
        deal_id=contract.deal_id,
        number=contract.number,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        status=contract.status,
    )
    return answer(out, 200)


BAD = ("Invalid body, the field is named", Problem)
UNAUTHORIZED = ("Missing or wrong token", Problem)
TOO_LARGE = (f"Body over {API_MAX_BODY} bytes", Problem)
UNAVAILABLE = ("The database does not answer; try again later", Problem)
ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/leads",
        "A website form becomes a deal, assigned, its manager told",
        LeadIn,
        _leads,
        {
            201: ("Accepted: a new deal", LeadAccepted),
            200: ("This external_id was accepted before; nothing changed", LeadAccepted),
            400: BAD,
            401: UNAUTHORIZED,
            413: TOO_LARGE,
            503: UNAVAILABLE,
        },
        fields_at="fields.",
    ),
    Endpoint(
        "POST",
        "/api/v1/calls",
        "A phone-system call event",
        CallIn,
        _calls,
        {
            201: ("Accepted", CallAccepted),
            200: ("This external_id was accepted before; nothing changed", CallAccepted),
            400: BAD,
            401: UNAUTHORIZED,
            413: TOO_LARGE,
            503: UNAVAILABLE,
        },
    ),
    Endpoint(
        "POST",
        "/api/v1/deals/{deal_id}/contract",
        "Set or replace a deal's contract (number, start and end dates)",
        ContractIn,
        _contract,
        {
            200: ("The contract as stored", ContractOut),
            400: BAD,
            401: UNAUTHORIZED,
            404: ("No such deal", Problem),
            413: TOO_LARGE,
            503: UNAVAILABLE,
        },
    ),
    Endpoint(
        "POST",
        "/api/v1/payments",
        "A payment of a deal, from an accounting system; its manager and customer told",
        PaymentIn,
        post_payment,
        {
            201: ("Accepted: a new payment", PaymentAccepted),
            200: ("This external_id was accepted before; nothing changed", PaymentAccepted),
            400: BAD,
            401: UNAUTHORIZED,
            404: ("No such deal", Problem),
            409: ("This external_id was accepted for another deal or amount", Problem),
            413: TOO_LARGE,
            503: UNAVAILABLE,
        },
    ),
    Endpoint(
        "PUT",
        "/api/v1/deals/{deal_id}/fields",
        "Set or clear a deal's fields (and its customer's) by key; a repeat changes nothing",
        FieldsIn,
        _fields,
        {
            200: ("The deal's filled fields", FieldsOut),
            400: ("An unknown key or a bad value; the field names the key", Problem),
            401: UNAUTHORIZED,
            404: ("No such deal", Problem),
            413: TOO_LARGE,
            503: UNAVAILABLE,
        },
    ),
]


async def _token(request: web.Request, app: Serving) -> int | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    # Tokens are ASCII; a header of other bytes reaches us undecodable, and names none.
    if scheme.lower() != "bearer" or not secret or not secret.isascii():
        return None
    async with app.sessions() as session:
        return await api_tokens.authenticate(session, secret, app.clock.now())


def _field_of(error: ValidationError) -> str:
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or "body"


async def _answer(endpoint: Endpoint, request: web.Request) -> web.Response:
    app = request.app[APP]
    token_id = await _token(request, app)
    if token_id is None:
        return problem(401, "unauthorized", "send Authorization: Bearer <token>")
    try:
        data = json_object(await read_limited(request))
    except Refused as refused:
        if refused.status == 413:
            too_large = problem(413, "too_large", refused.message)
            # The rest of the body is not wanted: the connection goes with this answer.
            too_large.force_close()
            return too_large
        return problem(400, "invalid", refused.message, "body")
    try:
        body = endpoint.body.model_validate(data)
    except ValidationError as error:
        return problem(400, "invalid", error.errors()[0]["msg"], _field_of(error))
    try:
        return await endpoint.handler(app, body, token_id, request)
    except FieldRejected as error:
        name = endpoint.fields_at + error.key
        return problem(400, "invalid", f"{name} is not valid", name)
    except InvalidInput as error:
        name = FIELDS.get(error.code, error.code.value)
        return problem(400, "invalid", f"{name} is not valid", name)
    except NotFound:
        return problem(404, "not_found", "no such deal")


def route(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        try:
            return await _answer(endpoint, request)
        except (OSError, SQLAlchemyError) as error:
            if not unavailable(error):
                raise
            return problem(503, "unavailable", "the database does not answer; try again later")

    return handle
