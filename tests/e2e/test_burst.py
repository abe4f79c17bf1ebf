"""300 customers write within three seconds, as after an advert, with Telegram's limits on and
the bot in its own process: each gets exactly one confirmation and each manager every card
exactly once, with no 429; killed mid-burst and started again, it loses nothing and repeats
no request."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.burst import Load, burst
from bot.sender.sender import IN_FLIGHT

LOAD = Load("burst", customers=300, seconds=3.0, managers=20)


async def test_a_burst_of_customers_is_answered_once_each_within_telegrams_limits(
    database_url: str, tmp_path: Path
) -> None:
    result = await burst(LOAD, database_url, tmp_path, latency=0.02, quiet=30)
    print(json.dumps(result))
    assert (result["lost"], result["repeated"], result["duplicated"]) == (0, 0, 0)
    assert result["rate_limited"] == 0
    # The answers went first: the last confirmation came before most cards.
    assert result["last_confirmation_after"] < result["card"]["p50"] + 3


async def test_a_bot_killed_mid_burst_loses_nothing_and_repeats_no_request(
    database_url: str, tmp_path: Path
) -> None:
    result = await burst(
        LOAD,
        database_url,
        tmp_path,
        latency=0.02,
        kill_after=1.5,
        quiet=30,
        INBOX_LEASE="2s",
        OUTBOX_LEASE="3s",
    )
    print(json.dumps(result))
    assert (result["lost"], result["duplicated"], result["rate_limited"]) == (0, 0, 0)
    # Messages on their way or being recorded at the kill may come twice: the bound.
    assert result["repeated"] <= IN_FLIGHT
