"""What a deal card says of another customer its request may be: the same phone, the same
e-mail, or, for a web form giving what a customer known in Telegram has on their record, the
same Telegram account; and the owner merges such a pair like any other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from services.db.customers import Customer
from services.leads import Lead, submit_lead
from tests.support.calls import answer_of, without_answers
from tests.support.deals import OLGA, make_manager, more_buttons
from tests.support.harness import Harness, person

VUSAL = person(101, "Vusal")
LEYLA = person(100, "Leyla")
NUMBER = "+994501234567"
CARD = 700


async def web_form(tg: Harness, name: str, phone: str | None, email: str | None) -> None:
    lead = Lead(name, phone, email, "A sofa", None, f"form-{name}")
    async with tg.app.sessions() as session:
        await submit_lead(session, lead, token_id=None, region="AZ", now=tg.app.clock.now())
    await tg.deliver()


async def vusal_shares_his_number(tg: Harness) -> None:
    """Request #1: Vusal, in Telegram, shares his own contact."""
    await make_manager(tg)
    await tg.send(VUSAL, "/new")
    await tg.send(VUSAL, "Need a wardrobe")
    await tg.share(VUSAL, "994501234567", VUSAL.id)
    await tg.deliver()


MERGE_ROW = [("🔗 Merge", "dk:j:2:2:1")]


async def owners_card(tg: Harness, deal_id: int) -> Any:
    [card] = without_answers(await tg.press(OLGA, f"do:{deal_id}"))
    return card


async def test_a_web_form_with_the_number_of_a_telegram_customer(tg: Harness) -> None:
    await vusal_shares_his_number(tg)
    await web_form(tg, "V.", "050 123 45 67", None)
    card = await owners_card(tg, 2)
    assert card.text.splitlines()[2:5] == [
        "👤 V.",
        "📞 +994 50 123 45 67",
        "⚠️ Same Telegram account as Vusal by phone, request #1",
    ]
    # A web form's request is at version 2 once it is given to a manager.
    assert (await more_buttons(tg, OLGA, "dk:v:2:2:0"))[-2] == MERGE_ROW
    calls = await tg.press(OLGA, "dk:k:2:2:1", message_id=CARD)
    assert answer_of(calls).text == "Merged: it is one customer now."
    [mine] = await tg.send(VUSAL, "/requests")
    assert [line.split(" · ")[0] for line in mine.text.splitlines()[1:]] == ["#2", "#1"]


async def test_a_web_form_with_the_e_mail_of_a_telegram_customer(tg: Harness) -> None:
    await vusal_shares_his_number(tg)
    # As an earlier form of his, merged into his record, leaves it.
    async with tg.app.sessions() as session:
        await session.execute(update(Customer).values(email="v@example.com"))
        await session.commit()
    await web_form(tg, "V. M.", None, "v@example.com")
    [line] = [
        line for line in (await owners_card(tg, 2)).text.splitlines() if line.startswith("⚠️")
    ]
    assert line == "⚠️ Same Telegram account as Vusal by e-mail, request #1"


async def test_two_web_forms_with_one_e_mail(tg: Harness) -> None:
    await make_manager(tg)
    await web_form(tg, "Rauf", None, "rauf@example.com")
    await web_form(tg, "R.", None, "rauf@example.com")
    card = await owners_card(tg, 2)
    assert card.text.splitlines()[2:5] == [
        "👤 R.",
        "⚠️ Same e-mail as Rauf, request #1",
        "✉️ rauf@example.com",
    ]
    assert (await more_buttons(tg, OLGA, "dk:v:2:2:0"))[-2] == MERGE_ROW


async def test_between_two_telegram_accounts_a_number_is_only_the_same_phone(
    tg: Harness,
) -> None:
    await vusal_shares_his_number(tg)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need a sofa")
    await tg.send(LEYLA, "050 123 45 67")
    await tg.deliver()
    assert "⚠️ Same phone as Vusal, request #1" in (await owners_card(tg, 2)).text.splitlines()


async def test_a_number_given_with_a_telegram_customer_s_request_is_the_same_phone(
    tg: Harness,
) -> None:
    await make_manager(tg)
    await tg.send(LEYLA, "/new")
    await tg.send(LEYLA, "Need a sofa")
    await tg.send(LEYLA, "050 123 45 67")
    await tg.deliver()
    await web_form(tg, "L.", "050 123 45 67", None)
    assert "⚠️ Same phone as Leyla, request #1" in (await owners_card(tg, 2)).text.splitlines()
