"""`python -m bot run` in webhook mode: the emulator posts each update to the bot's HTTP port, as
Telegram does through the reverse proxy in front of it; and back to polling without WEBHOOK_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from emulator import EmulatedUser, Emulator, start_emulator
from services.db.deals import Deal
from services.db.engine import create_engine, session_factory
from services.db.users import User
from tests.support.live import OWNER_ID, labels
from tests.support.processes import SECRET, STARTUP, bot_process

PUBLIC = "https://crm.example.test"
HOOK = f"{PUBLIC}/telegram/hook"


def text_update(update_id: int, first_name: str, text: str) -> dict[str, Any]:
    """What Telegram posts when person 100 writes `text` to the bot."""
    person = {"id": 100, "is_bot": False, "first_name": first_name, "language_code": "en"}
    chat = {"id": 100, "type": "private", "first_name": first_name}
    message = {"message_id": 1, "date": 1767000000, "chat": chat, "from": person, "text": text}
    return {"update_id": update_id, "message": message}


async def count(database_url: str, model: type[Deal] | type[User]) -> int:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await engine.dispose()


def methods(emu: Emulator) -> set[str]:
    return {request.method for request in emu.requests}


async def submit_request(emu: Emulator) -> EmulatedUser:
    leyla = emu.user(100, "Leyla", language_code="en")
    leyla.start()
    menu = await leyla.wait_for_bot_message(timeout=STARTUP)
    await leyla.press(labels(menu)[0])
    await leyla.wait_for_bot_message(predicate=lambda m: m is not menu)
    leyla.send_text("20 chairs, please")
    await leyla.wait_for_bot_message()
    leyla.share_contact("+994501234567")
    return leyla


async def test_a_request_arrives_through_the_webhook(database_url: str, tmp_path: Path) -> None:
    async with start_emulator() as running:
        emu = running.emulator
        owner = emu.user(OWNER_ID, "Olga", language_code="en")
        async with bot_process(running, database_url, tmp_path / "bot.log", HOOK) as bot:
            emu.webhook.route(PUBLIC, bot.local_url)
            set_hook = await emu.wait_for_request("setWebhook", timeout=STARTUP)
            assert (set_hook.params["url"], set_hook.params["secret_token"]) == (HOOK, SECRET)
            owner.start()
            await owner.wait_for_bot_message()

            leyla = await submit_request(emu)
            confirmation = await leyla.wait_for_bot_message()
            assert confirmation.text == "Request #1 received — Olga will contact you."
            card = await owner.wait_for_bot_message(predicate=lambda m: "#1" in (m.text or ""))
            assert card.text is not None
            assert "+994 50 123 45 67" in card.text and "20 chairs, please" in card.text
            assert labels(card)[:2] == ["✅ Take", "↩️ Reply"]

            assert await bot.stop() == 0
        assert "getUpdates" not in methods(emu)
        assert emu.webhook.webhook is not None and not emu.updates.pending


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    async with start_emulator() as running:
        emu = running.emulator
        async with bot_process(running, database_url, tmp_path / "bot.log", HOOK) as bot:
            await emu.wait_for_request("setWebhook", timeout=STARTUP)
            users_before = await count(database_url, User)
            update = text_update(1, "Mallory", "/start")
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guessed"}):
                    async with http.post(
                        f"{bot.local_url}/telegram/hook", json=update, headers=headers
                    ) as response:
                        assert response.status == 401
            assert await bot.stop() == 0
        assert await count(database_url, User) == users_before
        assert await count(database_url, Deal) == 0
        assert "sendMessage" not in methods(emu)


async def test_without_webhook_url_it_deletes_the_webhook_and_polls(
    database_url: str, tmp_path: Path
) -> None:
    async with start_emulator() as running:
        emu = running.emulator
        # Left over from an earlier run in webhook mode, with a message waiting.
        await emu.call("setWebhook", {"url": HOOK, "secret_token": SECRET})
        leyla = emu.user(100, "Leyla", language_code="en")
        leyla.start()
        async with bot_process(running, database_url, tmp_path / "bot.log") as bot:
            greeting = await leyla.wait_for_bot_message(timeout=STARTUP)
            assert (greeting.text or "").startswith("Hello, Leyla!")
            assert emu.webhook.webhook is None
            assert "getUpdates" in methods(emu)
            assert await bot.stop() == 0


async def test_an_update_posted_again_changes_nothing(database_url: str, tmp_path: Path) -> None:
    """Telegram posts an update again when its answer was lost: the customer is answered once
    and their request stored once."""
    async with start_emulator() as running:
        emu = running.emulator
        leyla = emu.user(100, "Leyla", language_code="en")
        leyla.user.started = True
        update = text_update(41, "Leyla", "A grey sofa, please")
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with bot_process(running, database_url, tmp_path / "bot.log", HOOK) as bot:
            await emu.wait_for_request("setWebhook", timeout=STARTUP)
            async with aiohttp.ClientSession() as http:
                for _ in range(3):
                    url = f"{bot.local_url}/telegram/hook"
                    async with http.post(url, json=update, headers=headers) as response:
                        assert response.status == 200
            confirmation = await leyla.wait_for_bot_message(timeout=STARTUP)
            assert (confirmation.text or "").startswith("Request #1 received")
            assert await bot.stop() == 0
        assert await count(database_url, Deal) == 1
        assert [m.text for m in leyla.bot_messages()] == [confirmation.text]
