"""The bot process is killed while it delivers 1,000 queued notifications; started again, it
delivers every one, repeating at most the few that were on their way at the kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from bot.sender.sender import IN_FLIGHT
from emulator import Limits, start_emulator
from tests.support.delivery_seed import received, seed
from tests.support.processes import ROOT, free_port

CHATS, PER_CHAT = 250, 4


def start_bot(database_url: str, api_url: str, token: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "OWNER_IDS": "1",
        "HTTP_PORT": str(free_port()),
        # The emulator allows 300 messages a second here, so the test takes seconds;
        # the budget obeys it as it would Telegram's 30.
        "SEND_RATE_GLOBAL": "250",
        "SEND_RATE_PER_CHAT": "1",
        # What the killed process held comes due again after this.
        "OUTBOX_LEASE": "4s",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_a_killed_sender_loses_nothing_and_repeats_at_most_what_was_in_flight(
    database_url: str,
) -> None:
    limits = Limits(enabled=True, per_chat_per_second=1, global_per_second=300)
    async with start_emulator(limits=limits) as running:
        emu = running.emulator
        total = await seed(database_url, emu, CHATS, PER_CHAT)
        bot = start_bot(database_url, running.base_url, emu.token)
        try:
            # Kill it once about a third of the messages are out.
            await emu.wait_for(
                lambda: sum(received(emu, CHATS).values()) >= total // 3, timeout=60
            )
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            at_kill = sum(received(emu, CHATS).values())
            assert at_kill < total
            bot = start_bot(database_url, running.base_url, emu.token)
            await emu.wait_for(lambda: len(received(emu, CHATS)) == total, timeout=90)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=10)
            except subprocess.TimeoutExpired:
                bot.kill()
        seen = received(emu, CHATS)
        lost = total - len(seen)
        duplicated = sum(count - 1 for count in seen.values())
        print(
            json.dumps(
                {"queued": total, "at_kill": at_kill, "lost": lost, "duplicated": duplicated}
            )
        )
        assert lost == 0
        # Only what was sent but not yet marked sent at the kill can come twice: at most
        # IN_FLIGHT messages, each combining up to 2 rows (1/s per chat × half the lease).
        assert duplicated <= IN_FLIGHT * 2
