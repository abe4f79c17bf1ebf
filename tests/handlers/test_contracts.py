"""Contracts from the deal card, /contracts, renewal reminders and their buttons; /apitoken."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy import select

from bot.sweeps import reminders as reminder_sweeps
from services import api_tokens
from services.db.api_access import ApiToken
from services.db.contracts import Contract
from services.db.deals import Deal
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, OLGA, make_manager, new_deal
from tests.support.harness import Harness, clock_of

REMINDER = 930


async def test_contract_from_the_card_then_reminders_renew_and_not_renewing(tg: Harness) -> None:
    await new_deal(tg)
    [prompt] = without_answers(await tg.press(ANNA, "ct:e:1", message_id=CARD))
    assert prompt.text == (
        "Send the contract number, start and end dates for request #1, like "
        "A-17 01.01.2026 31.12.2026. /cancel to stop."
    )
    [wrong] = await tg.send(ANNA, "A-17 01.01.2026")
    assert wrong.text.startswith("Send the number, then the start and end dates")
    [backwards] = await tg.send(ANNA, "A-17 01.05.2026 01.01.2026")
    assert backwards.text.startswith("The contract can't end before it starts.")
    [saved] = await tg.send(ANNA, "A-17 01.04.2025 31.03.2026")
    assert saved.text == "📄 Contract A-17 saved for request #1: Apr 1, 2025 – Mar 31, 2026."

    [again] = without_answers(await tg.press(ANNA, "ct:e:1", message_id=CARD))
    assert again.text.startswith("Now: A-17, Apr 1, 2025 – Mar 31, 2026.\n")
    await tg.send(ANNA, "/cancel")

    [listed] = await tg.send(ANNA, "/contracts")
    assert listed.text == (
        "<b>Contracts ending in the next 60 days</b>\n"
        "📄 A-17 · Leyla · ends Mar 31, 2026 (in 29 days) · #1"
    )
    assert buttons(listed) == [[("📂 Open request #1", "do:1")]]

    # 30 days before 31 March is 1 March: passed already, so it goes at once.
    assert await reminder_sweeps.contract_renewals(tg.app) == 1
    [reminder] = await tg.deliver()
    assert (reminder.chat_id, reminder.text) == (
        ANNA.id,
        "📄 Contract A-17 with Leyla ends on Mar 31, 2026 (in 29 days).\nRequest #1. Renew it?",
    )
    assert buttons(reminder) == [
        [("🔁 Renew", "ct:r:1"), ("🚫 Not renewing", "ct:x:1")],
        [("⋯ More", "ct:m:1")],
    ]
    [more] = without_answers(await tg.press(ANNA, "ct:m:1", message_id=REMINDER))
    assert isinstance(more, EditMessageText) and more.message_id == REMINDER
    assert more.text == reminder.text
    assert buttons(more) == [
        [("💤 Remind me tomorrow", "ct:s:1"), ("📂 Open request #1", "do:1")],
        [("‹ Back", "ct:b:1")],
    ]
    [back] = without_answers(await tg.press(ANNA, "ct:b:1", message_id=REMINDER))
    assert (back.text, buttons(back)) == (reminder.text, buttons(reminder))
    assert await reminder_sweeps.contract_renewals(tg.app) == 0

    calls = await tg.press(ANNA, "ct:s:1", message_id=REMINDER)
    assert answer_of(calls).text == "💤 I'll remind you again on Mar 3, 2026, 10:00."
    clock_of(tg).advance(timedelta(hours=21))  # 3 March 10:00 in Baku
    assert await reminder_sweeps.contract_renewals(tg.app) == 1
    [snoozed_again] = await tg.deliver()
    assert snoozed_again.text.endswith("(in 28 days).\nRequest #1. Renew it?")

    await make_manager(tg, BAKO.id, "Bako")
    for data in ("ct:r:1", "ct:m:1"):
        refused = await tg.press(BAKO, data, message_id=REMINDER)
        assert answer_of(refused).show_alert is True
        assert without_answers(refused) == []
    calls = await tg.press(ANNA, "ct:r:1", message_id=REMINDER)
    assert answer_of(calls).text == "🔁 Renewal request #2 opened for contract A-17."
    [renewed] = without_answers(calls)
    assert isinstance(renewed, EditMessageText)
    assert buttons(renewed) == [[("📂 Open request #2", "do:2")]]
    async with tg.app.sessions() as session:
        new = await session.get_one(Deal, 2)
        contract = (await session.scalars(select(Contract))).one()
    assert (new.customer_id, new.source, contract.status, contract.renewal_deal_id) == (
        1,
        "manual",
        "renewed",
        2,
    )
    for data in ("ct:x:1", "ct:m:1"):
        twice = await tg.press(ANNA, data, message_id=REMINDER)
        assert answer_of(twice).text == "This contract is already renewed or closed."
        assert without_answers(twice) == []

    await tg.press(ANNA, "ct:e:2", message_id=CARD)
    await tg.send(ANNA, "B-2 01.04.2026 31.03.2027")
    [why] = without_answers(await tg.press(ANNA, "ct:x:2", message_id=REMINDER))
    assert why.text == (
        "Why is contract B-2 not being renewed? Write it in a few words. /cancel to stop."
    )
    [noted] = await tg.send(ANNA, "They moved to Ganja")
    assert noted.text == "🚫 Contract B-2 will not be renewed: They moved to Ganja"


async def test_the_owner_makes_lists_and_revokes_api_tokens(tg: Harness) -> None:
    [empty] = await tg.send(OLGA, "/apitoken")
    assert empty.text == (
        "<b>HTTP API tokens</b>\n"
        "No tokens yet. Websites and phone systems need one to send requests."
    )
    assert buttons(empty) == [[("➕ New token", "ak:c:0")]]
    [ask] = without_answers(await tg.press(OLGA, "ak:c:0"))
    assert ask.text.startswith("Send a name for the new token")
    [made] = await tg.send(OLGA, "Website")
    first, code = made.text.split("\n")
    assert first == "🔑 Token Website is ready. It is shown only this once: copy it now."
    secret = code.removeprefix("<code>").removesuffix("</code>")
    async with tg.app.sessions() as session:
        stored = (await session.scalars(select(ApiToken))).one()
        assert await api_tokens.authenticate(session, secret, tg.app.clock.now()) == stored.id
    assert stored.token_hash == api_tokens.digest(secret) != secret

    [listed] = await tg.send(OLGA, "/apitoken")
    assert listed.text.splitlines()[1] == (
        "🔑 Website · made Mar 2, 2026, 13:00 · last used: Mar 2, 2026, 13:00"
    )
    assert buttons(listed) == [[("Revoke Website", "ak:x:1")], [("➕ New token", "ak:c:0")]]
    await make_manager(tg, ANNA.id, "Anna")
    for data in ("ak:x:1", "ak:c:0"):
        refused = answer_of(await tg.press(ANNA, data))
        assert (refused.text, refused.show_alert) == ("Sorry, you can't do that.", True)
    [not_owner] = await tg.send(ANNA, "/apitoken")
    assert not_owner.text == "Sorry, you can't do that."

    calls = await tg.press(OLGA, "ak:x:1")
    assert answer_of(calls).text == "Token Website revoked: requests with it are refused now."
    [redrawn] = without_answers(calls)
    assert buttons(redrawn) == [[("➕ New token", "ak:c:0")]]
    async with tg.app.sessions() as session:
        assert await api_tokens.authenticate(session, secret, tg.app.clock.now()) is None
