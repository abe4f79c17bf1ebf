"""What the sandbox page says when something fails: a sentence in the reader's language, with
the server's own reason only as a detail after it."""

from __future__ import annotations

import json

from playwright.async_api import Browser, Route, expect

from sandbox.labels import translated
from sandbox.people import OWNER_ID
from sandbox.sandbox import Sandbox
from tests.support.browsers import phone, ready_page, write

REASON = "the words are not there"


async def words_unavailable(route: Route) -> None:
    await route.fulfill(
        status=503,
        content_type="application/json",
        body=json.dumps({"ok": False, "error": REASON}),
    )


async def test_start_up_failure_without_the_words_speaks_the_readers_language(
    sandbox: Sandbox, browser: Browser
) -> None:
    """The picked language, else the browser's, else English, as the server would choose."""
    expect.set_options(timeout=10_000)
    readers = [("ru-RU", None, "ru"), ("en-US", "az", "az"), ("fr-FR", None, "en")]
    for browser_locale, picked, locale in readers:
        context = await browser.new_context(locale=browser_locale)
        try:
            if picked is not None:
                await context.add_init_script(
                    f"localStorage.setItem('axin-sandbox-locale', {json.dumps(picked)})"
                )
            page = await context.new_page()
            await page.route("**/sandbox/api/labels*", words_unavailable)
            await page.goto(sandbox.url)
            await expect(page.locator("body")).to_have_attribute("data-ready", "failed")
            sentence = translated(sandbox.app.i18n, locale)["did_not_start"]
            await expect(page.locator("#phones")).to_have_text(sentence.format(error=REASON))
        finally:
            await context.close()


async def test_failed_actions_say_so_in_the_pages_words(
    sandbox: Sandbox, browser: Browser
) -> None:
    async with ready_page(sandbox, browser, "ru-RU") as page:
        kamran = phone(page, "Kamran")

        # The bot's HTTP API turns down a phone number that is not one.
        await page.locator("#call-form input[name=phone]").fill("not a phone")
        await page.locator("#call-form button").click()
        result = page.locator("#world-result")
        await expect(result).to_have_class("hint result failed")
        reason = "POST /api/v1/calls → 400: phone is not valid"
        await expect(result).to_have_text(f"Не удалось сообщить о пропущенном звонке: {reason}")
        # The sentence follows a language switch; the server's reason stays as it was.
        await page.get_by_role("button", name="AZ", exact=True).click()
        await expect(result).to_have_text(f"Buraxılmış zəngi bildirmək alınmadı: {reason}")
        await page.get_by_role("button", name="RU", exact=True).click()

        # Replying to a message the bot deleted meanwhile: the emulator refuses the reply.
        greeting = kamran.locator(".msg.from-bot").last
        message_id = int(await greeting.get_attribute("data-id") or "0")
        await greeting.hover()
        await greeting.locator(".reply-action").click()
        await sandbox.app.bot.delete_message(OWNER_ID, message_id)
        await expect(kamran.locator(f'.msg[data-id="{message_id}"]')).to_have_count(0)
        await write(kamran, "Здравствуйте")
        await expect(kamran.locator(".toast")).to_have_text(
            f"Не удалось отправить: no message {message_id} to reply to"
        )
