"""Inline mode on the sandbox page in headless Chromium: 🔎 Find types "@axin_bot #N " into a
manager's input, results show as she types, the one tapped goes to the chat via the bot, and the
bot counts it from the room's measurements; "@axin_bot query" typed by hand, more results, and
stale answers ignored."""

from __future__ import annotations

import asyncio
import json

from playwright.async_api import Browser, Locator, Route, expect

from emulator import StoredMessage
from sandbox.people import FIRST_MANAGER_ID
from sandbox.sandbox import Sandbox
from sandbox.server import INLINE_PLACEHOLDER
from tests.support.browsers import ARTIFACTS, phone, ready_page, write
from tests.support.catalog import NOW, names, product

SCREENSHOT = ARTIFACTS / "sandbox-inline.png"


def last_from_bot(owner: Locator) -> Locator:
    return owner.locator(".msg.from-bot").last


def _open_card(message: StoredMessage) -> bool:
    """A card of an open request: Take or the next stage first, 🛒 Items behind ⋯ More."""
    first = [button["text"] for row in message.inline_keyboard or [] for button in row]
    return "⋯ More" in first and any(text.startswith(("✅ Take", "➡️")) for text in first)


async def test_a_manager_finds_laminate_inline_and_counts_it_for_a_room(
    demo_sandbox: Sandbox, browser: Browser
) -> None:
    emu = demo_sandbox.emulator
    anna_chat = emu.user(FIRST_MANAGER_ID)
    card_message = await emu.wait_for(
        lambda: next((m for m in anna_chat.bot_messages() if _open_card(m)), None), timeout=10
    )
    number = (card_message.text or "").split()[1]
    async with ready_page(demo_sandbox, browser, "en-US") as page:
        try:
            anna = phone(page, "Anna")
            textarea = anna.locator("textarea")
            results = anna.locator(".inline-results button.result")
            card = anna.locator(f'.msg[data-id="{card_message.message_id}"]')
            await card.get_by_role("button", name="⋯ More").click()
            await card.get_by_role("button", name="🛒 Items").click()
            await expect(card.locator(".text")).to_contain_text(f"Request {number}: items")

            # 🔎 Find types the request's number after the bot's name, as Telegram does, and
            # shows what the bot answers for it: the whole catalog.
            await card.get_by_role("button", name="🔎 Find").click()
            await expect(textarea).to_have_value(f"@axin_bot {number} ")
            await expect(textarea).to_be_focused()
            await expect(results).to_have_count(8)
            await textarea.press_sequentially("lam")
            await expect(textarea).to_have_value(f"@axin_bot {number} lam")
            await expect(results.locator("b")).to_have_text(["Laminate Grey Ash", "Laminate Oak"])
            oak = results.filter(has_text="Laminate Oak")
            await expect(oak.locator("small")).to_have_text("LAM-OAK · AZN24.50 per m²")

            await oak.click()
            await expect(textarea).to_have_value("")
            await expect(anna.locator(".inline-results")).to_be_hidden()
            sent = anna.locator(".msg.from-me").last
            await expect(sent.locator(".via")).to_have_text("via @axin_bot")
            await expect(sent.locator(".text")).to_contain_text("Laminate Oak")
            await expect(last_from_bot(anna).locator(".text")).to_have_text(
                "Laminate Oak is counted from measurements: send Length × Width in m, "
                "like 4.2 x 3.5; or /cancel."
            )
            await write(anna, "4.2 x 3.5")
            # 4.2 × 3.5 × 1.1 = 16.17 m², in whole packs of 2.2: 17.6 m² at 24.50.
            await expect(last_from_bot(anna)).to_contain_text(f"Request {number}: items")
            await expect(last_from_bot(anna)).to_contain_text("17.6 m² × AZN24.50")
            await expect(last_from_bot(anna)).to_contain_text("Total: AZN431.20")
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT))


async def test_typed_queries_more_results_and_stale_answers(
    sandbox: Sandbox, browser: Browser
) -> None:
    async with sandbox.app.sessions() as session:
        for n in range(1, 26):
            await product(session, NOW, names(f"Tile {n:02}"), "9.00", "m2")
        # Only ever text on the page, whatever a product is called.
        await product(session, NOW, names('<img src="x" onerror="window.hacked = 1">Tile'), "1.00")
        await product(session, NOW, names("Office chair"), "120.00")
        await session.commit()
    async with ready_page(sandbox, browser, "en-US") as page:
        kamran = phone(page, "Kamran")
        textarea = kamran.locator("textarea")
        popup = kamran.locator(".inline-results")
        results = popup.locator("button.result")

        # "@" offers the bot, as a Telegram app offers inline bots.
        await textarea.press_sequentially("@ax")
        await popup.get_by_role("button", name="@axin_bot").click()
        await expect(textarea).to_have_value("@axin_bot ")
        await expect(popup.locator(".empty")).to_have_text(INLINE_PLACEHOLDER)
        await expect(results).to_have_count(10)

        # An answer that comes after the query changed is not shown.
        held, release = asyncio.Event(), asyncio.Event()

        async def hold_tiles(route: Route) -> None:
            if json.loads(route.request.post_data or "{}").get("query") == "tile":
                held.set()
                await release.wait()
            await route.continue_()

        await page.route("**/inline_query", hold_tiles)
        await textarea.press_sequentially("tile")
        await asyncio.wait_for(held.wait(), 10)
        await textarea.fill("@axin_bot chair")
        await expect(results.locator("b")).to_have_text(["Office chair"])
        release.set()

        def tiles_answered() -> bool:
            queries = sandbox.emulator.inline_queries.values()
            return any(q.query == "tile" and q.answer is not None for q in queries)

        await sandbox.emulator.wait_for(tiles_answered)
        await page.wait_for_timeout(300)
        await expect(results).to_have_count(1)
        await page.unroute("**/inline_query")

        # Ten at a time, and more on asking.
        await textarea.fill("@axin_bot tile")
        await expect(results).to_have_count(10)
        await popup.get_by_role("button", name="More ›").click()
        await expect(results).to_have_count(20)
        await popup.get_by_role("button", name="More ›").click()
        await expect(results).to_have_count(26)
        await expect(popup.get_by_role("button", name="More ›")).to_have_count(0)
        await expect(results.last.locator("b")).to_have_text(
            '<img src="x" onerror="window.hacked = 1">Tile'
        )
        await expect(popup.locator("img")).to_have_count(0)
        assert await page.evaluate("window.hacked") is None
        await textarea.press("Escape")
        await expect(popup).to_be_hidden()
        await textarea.fill("@axin_bot zzz")
        await expect(popup.locator(".empty")).to_have_text("Nothing found for “zzz”.")

        # With inline mode off the bot's name is only text, sent as it is.
        sandbox.emulator.set_inline(None)
        await textarea.fill("@axin_bot chair")
        await expect(popup).to_be_hidden()
        await textarea.press("Enter")
        await expect(kamran.locator(".msg.from-me .text").last).to_have_text("@axin_bot chair")
        await expect(kamran.locator(".msg.from-me .via")).to_have_count(0)
