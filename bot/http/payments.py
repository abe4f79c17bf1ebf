"""POST /api/v1/payments: an accounting system posts a payment of a deal; a repeat of its
external_id changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from bot.http.answers import answer, problem
from bot.http.schemas import Body
from bot.runtime import Serving
from services import payments
from services.errors import Conflict, ErrorCode, InvalidInput
from services.ids import MAX_ID

Money = Annotated[
    Decimal,
    Field(gt=0, lt=Decimal(10) ** 12, decimal_places=2, description='As "1234.50" or 1234.5'),
]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]


class PaymentIn(Body):
    """Money received for a deal, in the company's currency."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"deal_id": 12, "amount": "150.00", "external_id": "pp-981"}]
        }
    )

    deal_id: int = Field(ge=1, le=MAX_ID)
    amount: Money
    external_id: str = Field(
        min_length=1, max_length=100, description="The payment's id in the posting system"
    )


class PaymentAccepted(BaseModel):
    payment_id: int
    deal_id: int
    amount: MoneyOut
    paid: MoneyOut = Field(description="All the deal's payments together")
    owed: MoneyOut | None = Field(description="What is left of the deal's amount, if it has one")
    duplicate: bool = Field(description="True when this external_id was accepted before")


async def post_payment(
    app: Serving, body: PaymentIn, token_id: int | None, request: web.Request
) -> web.Response:
    try:
        async with app.sessions() as session:
            recorded = await payments.record(
                session,
                body.deal_id,
                body.amount,
                payments.API,
                app.clock.now(),
                external_id=f"api:{body.external_id}",
            )
    except Conflict:
        return problem(
            409,
            "conflict",
            "this external_id was accepted for another deal or amount",
            "external_id",
        )
    except InvalidInput as error:
        if error.code is ErrorCode.AMOUNT:
            return problem(400, "invalid", "amount is not valid", "amount")
        raise
    app.sender.wake()
    out = PaymentAccepted(
        payment_id=recorded.payment.id,
        deal_id=recorded.payment.deal_id,
        amount=recorded.payment.amount,
        paid=recorded.balance.paid,
        owed=recorded.balance.owed,
        duplicate=recorded.duplicate,
    )
    return answer(out, 200 if recorded.duplicate else 201)
