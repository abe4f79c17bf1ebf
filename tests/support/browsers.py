"""Headless browsers for the sandbox page: where Debian's Chromium and Firefox ESR are, how
Chromium is started, and where a failing test leaves its screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
