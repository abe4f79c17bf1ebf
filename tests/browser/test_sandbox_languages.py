"""The sandbox page speaks the browser's language and switches language in place: the chats,
people and clock stay, only the page's own words and dates change."""

from __future__ import annotations

from babel.dates import format_date
from playwright.async_api import Browser, expect

from sandbox.sandbox import Sandbox
from tests.support.browsers import phone, ready_page


async def test_russian_browser_then_azerbaijani_by_the_switch(
    sandbox: Sandbox, browser: Browser
) -> None:
    async with ready_page(sandbox, browser, "ru-RU") as page:
        today = sandbox.clock.now().astimezone(sandbox.app.settings.zone).date()
        kamran, leyla = phone(page, "Kamran"), phone(page, "Leyla")
        missed_call = page.locator("#call-form button")

        await expect(page.locator("html")).to_have_attribute("lang", "ru")
        await expect(missed_call).to_have_text("📞 Пропущенный звонок")
        await expect(page.get_by_role("button", name="Добавить клиента")).to_be_visible()
        await expect(kamran.locator(".role")).to_have_text("Владелец")
        await expect(leyla.locator("button.start")).to_have_text("ЗАПУСТИТЬ")
        await expect(page.locator("#clock")).to_contain_text(format_date(today, "d MMM y", "ru"))
        day_line = kamran.locator(".day").first
        await expect(day_line).to_contain_text(format_date(today, "d MMMM y", "ru"))
        greetings = await kamran.locator(".msg").count()
        assert greetings > 0
        await page.evaluate("window.loadedOnce = true")

        switch_to_az = page.get_by_role("button", name="AZ", exact=True)
        await switch_to_az.click()

        await expect(page.locator("html")).to_have_attribute("lang", "az")
        await expect(missed_call).to_have_text("📞 Buraxılmış zəng")
        await expect(switch_to_az).to_have_attribute("aria-pressed", "true")
        await expect(kamran.locator(".role")).to_have_text("Rəhbər")
        await expect(leyla.locator("button.start")).to_have_text("BAŞLAT")
        await expect(kamran.locator(".menu-button")).to_have_attribute("title", "Əmrlər")
        await expect(page.locator("#lead-form textarea")).to_have_attribute(
            "placeholder", "Nə lazımdır"
        )
        await expect(page.locator("#clock")).to_contain_text(format_date(today, "d MMM y", "az"))
        await expect(day_line).to_have_text(format_date(today, "d MMMM y", "az"))
        assert await page.evaluate("window.loadedOnce") is True
        await expect(kamran.locator(".msg")).to_have_count(greetings)

        # The choice outlives a reload of the page.
        await page.reload()
        await expect(page.locator("body")).to_have_attribute("data-ready", "true")
        await expect(missed_call).to_have_text("📞 Buraxılmış zəng")
