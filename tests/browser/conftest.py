"""Headless browsers opening a sandbox: Chromium driven by Playwright, Firefox ESR over
WebDriver BiDi (both Debian's packages)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from sandbox.sandbox import Sandbox
from sandbox.server import start_sandbox
from tests.browser.bidi import Session, firefox
from tests.sandbox.conftest import base_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.fail(
            "Chromium is not installed, so the browser test cannot run: "
            "`make browser` (or `apt-get install chromium`) installs it.",
            pytrace=False,
        )
    return found


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def sandbox(database_url: str) -> AsyncIterator[Sandbox]:
    async with start_sandbox(base_settings(), port=0, database_url=database_url) as running:
        yield running


def firefox_path() -> str:
    found = shutil.which("firefox-esr") or shutil.which("firefox")
    if found is None:
        pytest.fail(
            "Firefox ESR is not installed, so the Firefox test cannot run: "
            "`make browser` (or `apt-get install firefox-esr`) installs it.",
            pytrace=False,
        )
    return found


@pytest.fixture
async def firefox_session() -> AsyncIterator[Session]:
    async with firefox(firefox_path()) as session:
        yield session
