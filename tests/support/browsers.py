"""Headless browsers for the sandbox page: where Debian's Chromium and Firefox ESR are, how
Chromium is started, where a test leaves its screenshots, and the page loaded and used."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from sandbox.sandbox import Sandbox

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


def firefox_path() -> str:
    found = shutil.which("firefox-esr") or shutil.which("firefox")
    if found is None:
        pytest.fail(
            "Firefox ESR is not installed, so the Firefox test cannot run: "
            "`make browser` (or `apt-get install firefox-esr`) installs it.",
            pytrace=False,
        )
    return found


def phone(page: Page, first_name: str) -> Locator:
    return page.locator(f'.phone[data-name="{first_name}"]')


async def write(owner: Locator, text: str) -> None:
    await owner.locator("textarea").fill(text)
    await owner.locator("textarea").press("Enter")


@asynccontextmanager
async def ready_page(sandbox: Sandbox, browser: Browser, locale: str) -> AsyncIterator[Page]:
    """The sandbox page loaded in a browser that prefers `locale`; no script on it may fail."""
    expect.set_options(timeout=10_000)
    context = await browser.new_context(locale=locale, viewport={"width": 1600, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(sandbox.url)
        await expect(page.locator("body")).to_have_attribute("data-ready", "true")
        yield page
        assert errors == []
    finally:
        await context.close()
