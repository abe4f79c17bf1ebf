"""Polling means one process: a second `run` polling for the same bot is refused at start in
one line, and the first goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from emulator import start_emulator
from tests.support.processes import STARTUP, bot_process


async def test_a_second_process_polling_for_the_same_bot_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with start_emulator() as running:
        emu = running.emulator
        async with bot_process(running, database_url, tmp_path / "first.log") as first:
            await emu.wait_for_request("deleteWebhook", timeout=STARTUP)
            async with bot_process(running, database_url, tmp_path / "second.log") as second:
                code = await asyncio.wait_for(second.process.wait(), STARTUP)
            assert first.process.returncode is None
            leyla = emu.user(100, "Leyla", language_code="en")
            leyla.start()
            greeting = await leyla.wait_for_bot_message(timeout=STARTUP)
            assert (greeting.text or "").startswith("Hello, Leyla!")
    said = (tmp_path / "second.log").read_text().strip().splitlines()
    assert code == 2
    assert said[-1].startswith("Not started: another Axın process (")
    assert said[-1].endswith(
        "polls Telegram for this bot, and polling means one process: stop it, or run several "
        "processes in webhook mode (WEBHOOK_URL)."
    )
