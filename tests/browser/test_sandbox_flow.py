"""The sandbox page in headless Chromium: a request goes from a customer's phone to a manager's
and back, with an invite link followed as a deep link and the card edited in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import Browser, Dialog, FilePayload, Locator, expect

from sandbox.people import OWNER_ID
from sandbox.sandbox import Sandbox
from tests.support.browsers import ARTIFACTS, phone, write
from tests.support.emulator import png

SCREENSHOT = ARTIFACTS / "sandbox-flow.png"


def last_from_bot(owner: Locator) -> Locator:
    return owner.locator(".msg.from-bot").last


async def test_request_to_manager_and_status_back_to_the_customer(
    sandbox: Sandbox, browser: Browser
) -> None:
    expect.set_options(timeout=10_000)
    page = await browser.new_page(viewport={"width": 1600, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(sandbox.url)
        await expect(page.locator("body")).to_have_attribute("data-ready", "true")
        kamran, leyla = phone(page, "Kamran"), phone(page, "Leyla")
        await expect(kamran.locator(".role")).to_have_text("Owner")
        await expect(leyla.get_by_role("button", name="START")).to_be_visible()

        # A new person joins the team through the owner's invite link.
        await page.locator("#add-form input[name=first_name]").fill("Bob")
        await page.get_by_role("button", name="Add customer").click()
        bob = phone(page, "Bob")
        await expect(bob.get_by_role("button", name="START")).to_be_visible()
        await write(kamran, "/invite")
        await kamran.locator('.msg.from-bot a[href*="?start="]').click()
        await page.locator("#open-link-people button", has_text="Bob").click()
        await expect(last_from_bot(bob)).to_contain_text("Welcome to the team, Bob!")
        await expect(bob.locator(".role")).to_have_text("Manager")

        # The customer sends a request and shares their contact.
        await leyla.get_by_role("button", name="START").click()
        await leyla.get_by_role("button", name="📝 New request").click()
        await expect(last_from_bot(leyla)).to_contain_text("What do you need?")
        await leyla.locator("textarea").fill("I need 20 chairs for the office")
        await leyla.get_by_role("button", name="📎").click()
        async with page.expect_file_chooser() as chooser:
            await leyla.get_by_role("button", name="Photo").click()
        photo = FilePayload(name="chairs.png", mimeType="image/png", buffer=png(64, 48))
        await (await chooser.value).set_files(photo)
        await expect(leyla.locator(".msg.from-me img.photo")).to_be_visible()
        share = leyla.locator(".reply-kb button", has_text="Share my contact")

        async def accept(dialog: Dialog) -> None:
            await dialog.accept()

        page.once("dialog", accept)
        await share.click()
        await expect(leyla.locator(".msg.from-me .contact")).to_contain_text("+994502003001")
        await expect(last_from_bot(leyla).locator(".text")).to_have_text(
            "Request #1 received — Bob will contact you."
        )

        # The manager's phone shows the card; Take and Next stage edit it in place.
        card = bob.locator(".msg.from-bot", has_text="Request #1")
        await expect(card.locator(".text b").first).to_have_text("Request #1")
        await expect(card).to_contain_text("+994 50 200 30 01")
        await expect(card).to_contain_text("📷 1 photo")
        shared = bob.locator(".msg.from-bot", has=page.locator("img.photo"))
        await expect(shared).to_contain_text("I need 20 chairs for the office")
        await expect(shared.locator("img")).to_be_visible()
        assert await shared.locator("img").evaluate("image => image.naturalWidth") == 64
        await card.get_by_role("button", name="✅ Take").click()
        await expect(card).to_contain_text("✅ Taken by Bob")
        await card.get_by_role("button", name="➡️ Contacted").click()
        await expect(card).to_contain_text("📍 Contacted")
        await expect(card).to_have_count(1)
        await expect(card.locator(".edited")).to_be_visible()

        # The customer is told the new status.
        await expect(last_from_bot(leyla).locator(".text")).to_have_text(
            "Your request #1 is now: Contacted"
        )
        assert errors == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOT))
        await page.close()


async def test_side_panel_missed_call_and_clock_jump(sandbox: Sandbox, browser: Browser) -> None:
    expect.set_options(timeout=10_000)
    page = await browser.new_page(viewport={"width": 1600, "height": 900})
    await page.goto(sandbox.url)
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")
    kamran = phone(page, "Kamran")

    await page.locator("#call-form input[name=phone]").fill("+994 50 555 12 34")
    await page.get_by_role("button", name="Missed call").click()
    await expect(page.locator("#world-result")).to_contain_text("POST /api/v1/calls → 201")
    await expect(last_from_bot(kamran)).to_contain_text("+994 50 555 12 34")
    told = await last_from_bot(kamran).get_attribute("data-id")

    # The call-back falls due two hours later (MISSED_CALL_CALLBACK_AFTER).
    await page.get_by_role("button", name="+1 hour").click()
    await expect(page.locator("#clock-result")).to_contain_text("Jumped +1 hour")
    await page.get_by_role("button", name="+1 hour").click()
    await expect(last_from_bot(kamran)).not_to_have_attribute("data-id", told or "")
    await expect(last_from_bot(kamran)).to_contain_text("+994 50 555 12 34")
    # The command menu is the one the bot set for the owner.
    await kamran.get_by_role("button", name="☰").click()
    await kamran.locator(".menu button", has_text="/team").click()
    await expect(last_from_bot(kamran)).to_contain_text("No managers yet.")

    # Telegram's formatting renders; what a person types is only ever text.
    await sandbox.app.bot.send_message(
        OWNER_ID,
        "<b>bold</b> <i>italic</i> <code>code</code> <tg-spoiler>secret</tg-spoiler> "
        '<a href="https://example.com/">link</a>\n<blockquote>quoted</blockquote>',
    )
    formatted = last_from_bot(kamran).locator(".text")
    await expect(formatted.locator("b")).to_have_text("bold")
    await expect(formatted.locator("i")).to_have_text("italic")
    await expect(formatted.locator("code")).to_have_text("code")
    await expect(formatted.locator(".spoiler")).to_have_text("secret")
    await expect(formatted.locator("a")).to_have_attribute("href", "https://example.com/")
    await expect(formatted.locator("blockquote")).to_have_text("quoted")
    await write(kamran, "<i>typed</i>")
    typed = kamran.locator(".msg.from-me .text").last
    await expect(typed).to_have_text("<i>typed</i>")
    await expect(typed.locator("i")).to_have_count(0)
    shown = await page.locator("#clock").get_attribute("data-now")
    assert shown is not None
    assert abs(datetime.fromisoformat(shown) - sandbox.clock.now()) < timedelta(seconds=5)
    assert sandbox.clock.now() - datetime.now(UTC) > timedelta(hours=2) - timedelta(seconds=5)
    await page.close()
