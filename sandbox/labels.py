"""The sandbox page's own words (headings, buttons, hints), by the key the page's scripts use."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import lazy_gettext as __
from babel.support import LazyProxy

from services.access import SUPPORTED_LOCALES

PAGE_DEFAULT_LOCALE = "en"

LABELS: dict[str, LazyProxy] = {
    "title": __("Axın sandbox"),
    "intro": __("Bot {bot} on a local Bot API emulator: no token, no network."),
    "language": __("Language of this page"),
    "clock": __("Clock"),
    "time_zone": __("Company time zone: {zone}"),
    "plus_hour": __("+1 hour"),
    "plus_day": __("+1 day"),
    "clock_hint": __(
        "Moves the bot's own clock and runs every scheduled check at once, "
        "so reminders, SLA alerts and digests show now."
    ),
    "jumped_hour": __("Jumped +1 hour; every scheduled check ran."),
    "jumped_day": __("Jumped +1 day; every scheduled check ran."),
    "world": __("Outside world"),
    "missed_call_from": __("Missed call from"),
    "missed_call": __("Missed call"),
    "website_form": __("Website form"),
    "name": __("Name"),
    "phone": __("Phone"),
    "what_they_need": __("What they need"),
    "website_lead": __("Website lead"),
    "people": __("People"),
    "name_optional": __("Name (optional)"),
    "telegram_language": __("Telegram language"),
    "add_customer": __("Add customer"),
    "people_hint": __(
        "A new person has never opened the bot: tap START in their phone, "
        "or open an invite link as them to make them a manager."
    ),
    "show_phone": __("Show this phone"),
    "open_link_in": __("Open {link} in the phone of"),
    "cancel": __("Cancel"),
    "did_not_start": __("The sandbox did not start: {error}"),
    "role_owner": __("Owner"),
    "role_manager": __("Manager"),
    "role_customer": __("Customer"),
    "photo": __("Photo"),
    "file": __("File"),
    "document": __("Document"),
    "contact": __("Contact"),
    # An invoice in a chat, its Pay button with the amount, and the payment made, as Telegram
    # shows them.
    "invoice": __("Invoice"),
    "pay": __("Pay {amount}"),
    "paid": __("✅ You paid {amount}"),
    "my_contact": __("My contact"),
    "forwarded_from": __("Forwarded from {name}"),
    "commands": __("Commands"),
    "no_commands": __("The bot set no commands"),
    "attach": __("Photo, file or contact"),
    "message": __("Message"),
    "send": __("Send"),
    "keyboard": __("Show or hide the bot's keyboard"),
    "start": __("START"),
    "share_phone": __("Share your phone number {phone} with the bot?"),
    "blocked": __("You blocked this bot."),
    "unblock": __("Unblock"),
    "block_toggle": __("Block or unblock the bot"),
    "block_confirm": __("Block the bot as {name}? It will get 403 when it writes."),
    "status_bot": __("bot"),
    "action_typing": __("typing…"),
    "action_upload_photo": __("sending a photo…"),
    "action_upload_document": __("sending a file…"),
    "action_find_location": __("choosing a location…"),
    "action_choose_sticker": __("choosing a sticker…"),
    "edited": __("edited"),
    # A message sent by choosing an inline result, as Telegram marks it: "via @axin_bot".
    "via": __("via {bot}"),
    "more_results": __("More ›"),
    "nothing_found": __("Nothing found for “{query}”."),
    "reply": __("Reply"),
    "ok": __("OK"),
    "copied": __("Copied to the clipboard"),
    "button_does_nothing": __("This kind of button does nothing in the sandbox"),
    # A failed action, with the server's reason as {error}.
    "send_failed": __("Could not send: {error}"),
    "start_failed": __("Could not start the bot: {error}"),
    "block_failed": __("Could not block the bot: {error}"),
    "unblock_failed": __("Could not unblock the bot: {error}"),
    "press_failed": __("Could not press the button: {error}"),
    "pay_failed": __("Could not pay: {error}"),
    "pay_no_answer": __("The bot did not confirm the payment in time, so it failed."),
    "jump_failed": __("Could not move the clock: {error}"),
    "add_failed": __("Could not add the customer: {error}"),
    "call_failed": __("Could not report the missed call: {error}"),
    "lead_failed": __("Could not send the website lead: {error}"),
}


def translated(i18n: I18n, locale: str) -> dict[str, str]:
    with i18n.context(), i18n.use_locale(locale):
        return {key: str(text) for key, text in LABELS.items()}


def choose_locale(asked: str | None, accept_language: str) -> str:
    """?lang= when the bot speaks it, else the browser's most wanted language it speaks."""
    if asked is not None and asked in SUPPORTED_LOCALES:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((-weight, position, tag.strip().split("-")[0].lower()))
    for weight, _, language in sorted(ranked):
        if weight < 0 and language in SUPPORTED_LOCALES:
            return language
    return PAGE_DEFAULT_LOCALE
