"""`python -m bot sandbox` as a person runs it: prints the address, serves, stops on Ctrl+C."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


async def _sandbox(*args: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_sandbox_command_prints_the_address_and_stops_on_ctrl_c() -> None:
    process = await _sandbox("--port", "0")
    assert process.stdout is not None
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line.startswith("Axın sandbox: open http://127.0.0.1:"), line
        url = line.split("open ", 1)[1].split()[0]
        api_line = (await asyncio.wait_for(process.stdout.readline(), 5)).decode()
        assert api_line.startswith("HTTP API: http://127.0.0.1:"), api_line
        async with aiohttp.ClientSession() as session, session.get(f"{url}/") as page:
            assert page.status == 200
            assert "<title>Axın</title>" in await page.text()
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 30)
    assert code == 0


def test_a_busy_port_is_reported_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["sandbox", "--port", str(port)])
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
