"""The sandbox page in headless Firefox ESR: a customer's request reaches the owner's phone and
the confirmation comes back, both only through the page's live event stream."""

from __future__ import annotations

import json

from sandbox.sandbox import Sandbox
from tests.support.bidi import Session, Tab
from tests.support.browsers import ARTIFACTS

SCREENSHOT = ARTIFACTS / "sandbox-firefox.png"


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def phone(first_name: str) -> str:
    return f"document.querySelector('.phone[data-name=\"{first_name}\"]')"


def button(inside: str, text: str) -> str:
    buttons = f"[...({inside})?.querySelectorAll('button') ?? []]"
    return f"{buttons}.find((button) => button.textContent.includes({quoted(text)}))"


def texts(inside: str, selector: str) -> str:
    found = f"[...({inside})?.querySelectorAll({quoted(selector)}) ?? []]"
    return f"{found}.map((node) => node.textContent)"


def last_from_bot(owner: str) -> str:
    return f"{texts(owner, '.msg.from-bot .text')}.at(-1) ?? ''"


async def test_request_reaches_the_owner_and_the_confirmation_comes_back(
    sandbox: Sandbox, firefox_session: Session
) -> None:
    tab = await Tab.open(firefox_session, sandbox.url, width=1600, height=900)
    kamran, leyla = phone("Kamran"), phone("Leyla")
    try:
        await tab.wait_for("document.body.dataset.ready", lambda ready: ready == "true")
        role = f"{kamran}?.querySelector('.role')?.textContent"
        await tab.wait_for(role, lambda text: text == "Owner")

        await tab.click(f"{leyla}?.querySelector('button.start')")
        await tab.click(button(leyla, "📝 New request"))
        await tab.wait_for(last_from_bot(leyla), lambda text: "What do you need?" in text)
        await tab.click(f"{leyla}?.querySelector('textarea')")
        await tab.type("I need 20 chairs for the office\ue007")
        await tab.wait_for(last_from_bot(leyla), lambda text: "What phone number" in text)
        await tab.wait_for(f"{leyla}?.querySelector('textarea')?.value", lambda text: text == "")

        # Sharing the contact asks first, with the number that will be shared.
        asked = await tab.click_and_accept(button(leyla, "Share my contact"))
        assert "+994502003001" in asked
        confirmation = "Request #1 received — Kamran will contact you."
        await tab.wait_for(last_from_bot(leyla), lambda text: text == confirmation)
        sent = ["/start", "I need 20 chairs for the office"]
        assert await tab.evaluate(texts(leyla, ".msg.from-me .text")) == sent
        [contact] = await tab.evaluate(texts(leyla, ".msg.from-me .contact"))
        assert "+994502003001" in contact

        # The owner, the only one on the team, gets the request's card.
        card = ["Request #1", "👤 Leyla", "+994 50 200 30 01", "I need 20 chairs for the office"]
        await tab.wait_for(
            texts(kamran, ".msg.from-bot .text"),
            lambda found: any(all(part in text for part in card) for text in found),
        )
        assert tab.page_errors() == []
    finally:
        await tab.screenshot(SCREENSHOT)
