"""Documents on the sandbox page in headless Chromium: a manager makes an invoice of the demo's
request with items and sends it; the customer's phone shows the PDF (its name and caption, and
it opens in a tab) and Telegram's invoice card, pays it with Pay, and both see the payment; a
second payment is refused in an alert with the bot's words."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.async_api import Browser, Locator, expect
from sqlalchemy import select

from emulator import StoredMessage
from presentation.reports.format import money
from sandbox.demo_data import COMPANY, DEALS, MANAGERS
from sandbox.people import FIRST_CUSTOMER_ID, FIRST_MANAGER_ID
from sandbox.sandbox import Sandbox
from services.db.documents import Document
from tests.support.browsers import ARTIFACTS, phone, ready_page

SCREENSHOT = ARTIFACTS / "sandbox-documents.png"
# The demo's request with items: Tom's five standing desks, which Rashad works on.
TOM = DEALS[1]
RASHAD_ID, TOM_ID = FIRST_MANAGER_ID + 1, FIRST_CUSTOMER_ID + 1
NUMBER = 2
TOTAL = Decimal("3750.00")


def last_from_bot(owner: Locator) -> Locator:
    return owner.locator(".msg.from-bot").last


def _tom_card(message: StoredMessage) -> bool:
    return f"{TOM.first_name} {TOM.last_name}" in (message.text or "")


async def test_an_invoice_is_sent_opened_and_paid_in_the_customers_phone(
    demo_sandbox: Sandbox, browser: Browser
) -> None:
    emu, i18n = demo_sandbox.emulator, demo_sandbox.app.i18n
    rashad_name, rashad_language, _ = MANAGERS[1]
    assert (rashad_language, TOM.language) == ("az", "en")

    def rashad_words(text: str) -> str:
        return i18n.gettext(text, locale=rashad_language)

    card_message = await emu.wait_for(
        lambda: next((m for m in emu.user(RASHAD_ID).bot_messages() if _tom_card(m)), None),
        timeout=10,
    )
    async with ready_page(demo_sandbox, browser, "en-US") as page:
        try:
            rashad, tom = phone(page, rashad_name), phone(page, TOM.first_name)
            card = rashad.locator(f'.msg[data-id="{card_message.message_id}"]')

            # Card → 🗂 Documents → 🧾 Make an invoice: the manager gets the PDF.
            await card.get_by_role("button", name=rashad_words("🗂 Documents")).click()
            await card.get_by_role("button", name=rashad_words("🧾 Make an invoice")).click()
            made = rashad.locator(".msg.from-bot", has=page.locator("a.document")).last
            await expect(made.locator(".doc-about b")).to_have_text(
                re.compile(r"^INV-\d{4}-0001\.pdf$"), timeout=30_000
            )
            number = (await made.locator(".doc-about b").inner_text()).removesuffix(".pdf")
            invoice_title = f"Invoice {number}"

            # 📤 Send: the customer gets the document with its answers, then the invoice.
            send = rashad_words("📤 Send {number}").format(number=number)
            await card.get_by_role("button", name=send).click()
            document = tom.locator(".msg.from-bot", has=page.locator("a.document"))
            await expect(document.locator(".doc-about b")).to_have_text(f"{number}.pdf")
            await expect(document.locator(".text")).to_have_text(
                f"{invoice_title} for your request #{NUMBER}."
            )
            await expect(document.locator(".inline-kb button")).to_have_text(
                ["✅ Accept", "❓ Ask a question"]
            )
            invoice = tom.locator(".msg.from-bot", has=page.locator(".invoice"))
            await expect(invoice.locator(".invoice-title")).to_have_text(invoice_title)
            await expect(invoice.locator(".invoice-description")).to_have_text(
                f"Request #{NUMBER}"
            )
            await expect(invoice.locator(".invoice-total")).to_have_text("3,750.00 AZN Invoice")
            pay = invoice.get_by_role("button", name="Pay 3,750.00 AZN")
            await expect(pay).to_be_visible()

            # The PDF opens in a new tab, under its own name, with the demo company's header.
            link = document.locator("a.document")
            await expect(link).to_have_attribute("target", "_blank")
            href = await link.get_attribute("href")
            assert href is not None
            async with page.expect_popup() as opened:
                await link.click()
            tab = await opened.value
            assert tab.url == demo_sandbox.url + href
            await tab.close()
            served = await page.request.get(demo_sandbox.url + href)
            assert served.headers["content-type"] == "application/pdf"
            assert served.headers["content-disposition"] == (
                f"inline; filename*=UTF-8''{number}.pdf"
            )
            assert (await served.body()).startswith(b"%PDF")
            async with demo_sandbox.app.sessions() as session:
                kept = await session.scalar(select(Document).where(Document.number == number))
            assert kept is not None
            assert kept.content["company"]["name"] == COMPANY["name"][TOM.language]

            # Pay: the bot confirms, the customer's chat shows the payment and the bot's thanks,
            # the manager hears of it.
            await pay.click()
            await expect(tom.locator(".msg.service")).to_have_text("✅ You paid 3,750.00 AZN")
            await expect(last_from_bot(tom).locator(".text")).to_have_text(
                f"💳 We received AZN3,750.00 for your request #{NUMBER}. Thank you!"
            )
            received = rashad_words("💳 {amount} received for request #{number}.").format(
                amount=money(TOTAL, "AZN", rashad_language), number=NUMBER
            )
            await expect(last_from_bot(rashad).locator(".text")).to_contain_text(received)
            await expect(pay).not_to_have_class(re.compile(r"\bpressed\b"))

            # Paying again: the bot refuses, and the phone shows its words in an alert.
            await pay.click()
            alert = tom.locator(".alert")
            await expect(alert.locator("p")).to_have_text(
                "This is more than is owed on the request: it may be paid already."
            )
            await alert.get_by_role("button", name="OK").click()
            await expect(alert).to_be_hidden()
            await expect(tom.locator(".msg.service")).to_have_count(1)

            # Another language redraws the amounts in its own way.
            await page.locator('#languages button[data-locale="ru"]').click()
            await expect(invoice.locator(".invoice-total .amount")).to_have_text(
                "3\u00a0750,00 AZN"
            )
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT))
