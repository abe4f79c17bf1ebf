"""A website lead keeps what it said: its e-mail on the customer, its form's source on the
deal, both in the deal's history."""

from __future__ import annotations

from sqlalchemy import select

from services.access import actor_of
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.users import User
from services.history import deal_history
from tests.support.api import LEAD, Api
from tests.support.harness import OWNER_ID


async def stored(api: Api, deal_id: int) -> tuple[Deal, Customer, list[tuple[str, object]]]:
    """The deal, its customer, and what its history says of the lead, as the owner reads it."""
    async with api.tg.app.sessions() as session:
        deal = await session.get_one(Deal, deal_id)
        customer = await session.get_one(Customer, deal.customer_id)
        owner = await session.scalar(select(User).where(User.tg_id == OWNER_ID))
        assert owner is not None
        history = await deal_history(session, actor_of(owner, "en"), deal_id, 0)
    said = [(e.kind, e.new) for e in history.entries if e.kind.startswith("lead_")]
    return deal, customer, said


async def test_a_lead_keeps_its_email_and_source(api: Api) -> None:
    status, answer = await api.post("/api/v1/leads", LEAD)
    assert status == 201
    deal, customer, said = await stored(api, answer["deal_id"])
    assert (customer.phone, customer.email) == ("+994501234567", "leyla@example.com")
    assert (deal.source, deal.source_detail) == ("web", "landing")
    assert said == [("lead_email", "leyla@example.com"), ("lead_source", "landing")]


async def test_a_lead_with_only_an_email_is_a_deal(api: Api) -> None:
    lead = {"name": "Leyla", "email": "leyla@example.com", "external_id": "form-1"}
    status, answer = await api.post("/api/v1/leads", lead)
    assert status == 201
    deal, customer, said = await stored(api, answer["deal_id"])
    assert (customer.name, customer.phone, customer.email) == ("Leyla", None, "leyla@example.com")
    assert deal.source_detail is None
    assert said == [("lead_email", "leyla@example.com")]


async def test_a_known_customer_gets_an_email_only_when_it_has_none(api: Api) -> None:
    first = {**LEAD, "email": None, "source": None, "external_id": "form-1"}
    second = {**LEAD, "email": "leyla@example.com", "source": "instagram", "external_id": "form-2"}
    third = {**LEAD, "email": "other@example.com", "external_id": "form-3"}
    answers = [(await api.post("/api/v1/leads", lead))[1] for lead in (first, second, third)]
    assert {answer["customer_id"] for answer in answers} == {1}
    deals = [await stored(api, answer["deal_id"]) for answer in answers]
    assert deals[2][1].email == "leyla@example.com"
    assert [deal.source_detail for deal, _, _ in deals] == [None, "instagram", "landing"]
    assert [said for _, _, said in deals] == [
        [],
        [("lead_email", "leyla@example.com"), ("lead_source", "instagram")],
        [("lead_email", "other@example.com"), ("lead_source", "landing")],
    ]


async def test_a_form_giving_a_telegram_customers_own_number_takes_nothing_of_theirs(
    api: Api,
) -> None:
    """Anyone can type a number into a form: a lead with Vusal's own number is not Vusal's
    (his record keeps its name and e-mail, and replies about the lead cannot reach him); the
    card shows the match for a person to judge."""
    tg = api.tg
    async with tg.app.sessions() as session:
        vusal = User(tg_id=101, first_name="Vusal", created_at=tg.clock.now())
        session.add(vusal)
        await session.flush()
        session.add(
            Customer(
                name="Vusal",
                phone="+994501234567",
                user_id=vusal.id,
                source="telegram",
                created_at=tg.clock.now(),
            )
        )
        await session.commit()
    status, answer = await api.post("/api/v1/leads", {**LEAD, "email": "attacker@example.com"})
    assert status == 201
    deal, customer, _ = await stored(api, answer["deal_id"])
    assert (customer.user_id, customer.phone, customer.email) == (
        None,
        None,
        "attacker@example.com",
    )
    assert deal.phone == "+994501234567"
    async with tg.app.sessions() as session:
        his = await session.scalar(select(Customer).where(Customer.user_id == vusal.id))
    assert his is not None and (his.name, his.email) == ("Vusal", None)
