"""The sandbox API the page uses: people, menus, files, the clock, and the page itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.sweeps.scheduler import Sweep
from sandbox.api import STATIC
from sandbox.people import OWNER_ID
from sandbox.sandbox import Sandbox
from services import outbox
from services.db.customers import Customer
from services.db.users import User
from services.phones import normalize_phone
from tests.support.emulator import png
from tests.support.sandbox import Client, StartSandbox

Clients = Callable[[Sandbox], Client]


async def test_clock_jump_moves_the_bot_clock_runs_sweeps_and_wakes_the_outbox(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    seen: list[datetime] = []

    async def probe(app: App) -> None:
        seen.append(app.clock.now())

    async def failing(app: App) -> None:
        raise RuntimeError("a broken sweep")

    sweeps = [Sweep("failing", 3600, failing), Sweep("probe", 3600, probe)]
    async with sandbox_factory(sweeps=sweeps) as sandbox:
        api, emu = client(sandbox), sandbox.emulator
        before = sandbox.app.clock.now()
        async with sandbox.app.sessions() as session:
            outbox.enqueue(
                session,
                chat_id=OWNER_ID,
                kind="access_revoked",
                payload={},
                dedupe_key="due-in-half-an-hour",
                now=before + timedelta(minutes=30),
            )
            await session.commit()
        owner = emu.user(OWNER_ID)
        shown = len(owner.bot_messages())
        assert await sandbox.app.sender.deliver_due() == 0

        result = await api.post("sandbox/api/clock", {"seconds": 3600})

        jumped = datetime.fromisoformat(result["now"])
        assert timedelta(hours=1) <= jumped - before < timedelta(hours=1, seconds=5)
        assert sandbox.app.clock is sandbox.clock
        # Once at startup, once after the jump, seeing the jumped time.
        assert len(seen) == 2 and seen[0] <= before and seen[1] - before >= timedelta(hours=1)
        notice = await owner.wait_for_bot_message(after=owner.bot_messages()[-1].message_id)
        assert len(owner.bot_messages()) == shown + 1
        assert notice.date >= int(before.timestamp()) + 3600
        status, body = await api.call("POST", "sandbox/api/clock", {"seconds": -60})
        assert (status, body["ok"]) == (400, False)
        status, body = await api.call("POST", "sandbox/api/clock", {})
        assert status == 400 and "seconds" in body["error"]


async def test_added_customers_get_a_phone_and_talk_to_the_bot(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory() as sandbox:
        api = client(sandbox)
        state = await api.get("sandbox/api/state")
        assert [(p["id"], p["name"], p["role"], p["started"]) for p in state["people"]] == [
            (1001, "Kamran Aliyev", "owner", True),
            (3001, "Leyla", "customer", False),
        ]
        assert state["bot"]["username"] == "axin_bot"
        assert state["timezone"] == "Asia/Baku"

        zara = await api.post("sandbox/api/people", {"first_name": " Zara ", "language": "ru"})
        spare = await api.post("sandbox/api/people", {"language": "xx"})

        assert (zara["id"], zara["name"], zara["language"], zara["role"]) == (
            3002,
            "Zara",
            "ru",
            "customer",
        )
        assert (spare["name"], spare["language"]) == ("Irina", "ru")
        for person in (zara, spare):
            assert normalize_phone(person["phone"], "AZ") == person["phone"]
        ids = [p["id"] for p in (await api.get("sandbox/api/state"))["people"]]
        assert ids == [1001, 3001, 3002, 3003]
        await api.post("tg/_emulator/users/3002/start")
        greeting = await sandbox.emulator.user(3002).wait_for_bot_message()
        assert greeting.text is not None and "Zara" in greeting.text
        await api.post("tg/_emulator/users/3002/contact")
        await sandbox.emulator.user(3002).wait_for_bot_message()
        async with sandbox.app.sessions() as session:
            user = await session.scalar(select(User).where(User.tg_id == 3002))
            assert user is not None and user.tg_language == "ru"
            customer = await session.scalar(select(Customer).where(Customer.user_id == user.id))
        assert customer is not None and customer.phone == zara["phone"]


async def test_menus_files_and_the_page(sandbox_factory: StartSandbox, client: Clients) -> None:
    async with sandbox_factory() as sandbox:
        api = client(sandbox)
        owner_menu = await api.get(f"sandbox/api/people/{OWNER_ID}/commands")
        customer_menu = await api.get("sandbox/api/people/3001/commands")
        assert [c["command"] for c in owner_menu][:3] == ["start", "invite", "team"]
        assert [c["command"] for c in customer_menu][:3] == ["start", "new", "requests"]
        status, _ = await api.call("GET", "sandbox/api/people/4242/commands")
        assert status == 400

        sent = sandbox.emulator.user(3001).send_photo(png(30, 20))
        assert sent.photo is not None
        async with api.session.get(f"{api.url}sandbox/api/files/{sent.photo[-1]['file_id']}") as r:
            assert (r.status, r.content_type, await r.read()) == (200, "image/png", png(30, 20))
        async with api.session.get(f"{api.url}sandbox/api/files/nothing") as r:
            assert r.status == 404

        async with api.session.get(api.url) as page:
            html = await page.text()
        assert page.status == 200 and '<script type="module" src="/static/app.js">' in html
        for name in sorted(path.name for path in STATIC.iterdir()):
            async with api.session.get(f"{api.url}static/{name}") as r:
                assert r.status == 200, name


def test_the_page_needs_nothing_from_the_network() -> None:
    for path in STATIC.iterdir():
        text = path.read_text()
        for reference in ('src="http', 'href="http', "url(http", "@import", "//cdn", "fonts."):
            assert reference not in text, (path.name, reference)
