"""Headless browsers opening a sandbox: Chromium driven by Playwright, Firefox ESR over
WebDriver BiDi (both Debian's packages)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from sandbox.sandbox import Sandbox
from sandbox.server import start_sandbox
from tests.support.bidi import Session, firefox
from tests.support.browsers import CHROMIUM_ARGS, chromium_path, firefox_path
from tests.support.sandbox import base_settings


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


@pytest.fixture
async def demo_sandbox(database_url: str) -> AsyncIterator[Sandbox]:
    """`--demo`: the owner, three managers with their requests' cards, customers, a catalog."""
    async with start_sandbox(
        base_settings(), port=0, database_url=database_url, with_demo=True
    ) as running:
        yield running


@pytest.fixture
async def firefox_session() -> AsyncIterator[Session]:
    async with firefox(firefox_path()) as session:
        yield session
