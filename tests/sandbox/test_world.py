"""The side panel's outside world goes through the HTTP API; the clock jump runs the real
sweeps, so the call-back task of a missed call falls due at once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.sweeps.scheduler import SWEEPS
from sandbox.people import OWNER_ID
from sandbox.sandbox import Sandbox
from services.db.api_access import ApiToken
from services.db.deals import Deal
from services.db.tasks import Task
from tests.support.sandbox import Client, StartSandbox

Clients = Callable[[Sandbox], Client]


async def test_missed_call_then_a_jump_brings_the_call_back_reminder(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory(sweeps=SWEEPS) as sandbox:
        api, owner = client(sandbox), sandbox.emulator.user(OWNER_ID)
        state = await api.get("sandbox/api/state")
        assert state["features"] == {"calls": True, "leads": True}
        seen = owner.bot_messages()[-1].message_id

        result = await api.post("sandbox/api/calls", {"phone": "050 555 12 34"})

        assert result["status"] == 201
        assert result["response"]["action"] == "callback_task"
        assert result["summary"].startswith("POST /api/v1/calls → 201 ")
        told = await owner.wait_for_bot_message(after=seen)
        assert "+994 50 555 12 34" in (told.text or "")
        async with sandbox.app.sessions() as session:
            task = await session.get_one(Task, result["response"]["task_id"])
            deal = await session.get_one(Deal, result["response"]["deal_id"])
            tokens = list(await session.scalars(select(ApiToken.name)))
        assert (deal.source, task.notified_at, tokens) == ("phone", None, ["sandbox"])

        await api.post("sandbox/api/clock", {"seconds": 3600})
        async with sandbox.app.sessions() as session:
            assert (await session.get_one(Task, task.id)).notified_at is None
        seen = owner.bot_messages()[-1].message_id
        await api.post("sandbox/api/clock", {"seconds": 3600})

        reminder = await owner.wait_for_bot_message(after=seen)
        assert "+994 50 555 12 34" in (reminder.text or "")
        async with sandbox.app.sessions() as session:
            assert (await session.get_one(Task, task.id)).notified_at is not None


async def test_website_lead_becomes_a_deal_and_bad_input_is_named(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory() as sandbox:
        api, owner = client(sandbox), sandbox.emulator.user(OWNER_ID)
        seen = owner.bot_messages()[-1].message_id

        result = await api.post(
            "sandbox/api/leads",
            {"name": "Aysel", "phone": "+994 55 444 33 22", "message": "Two armchairs"},
        )

        assert result["status"] == 201 and result["response"]["assigned"] is True
        card = await owner.wait_for_bot_message(after=seen)
        assert "Aysel" in (card.text or "") and "Two armchairs" in (card.text or "")
        async with sandbox.app.sessions() as session:
            deal = await session.get_one(Deal, result["response"]["deal_id"])
        assert (deal.source, deal.manager_id is not None) == ("web", True)
        status, body = await api.call("POST", "sandbox/api/calls", {"phone": "12"})
        assert status == 400 and body["error"] == "POST /api/v1/calls → 400: phone is not valid"
        status, body = await api.call("POST", "sandbox/api/leads", {"name": "Nobody"})
        assert status == 400 and "phone" in body["error"]
