"""Greetings and help, shared by /start, /help and the fallback."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from services.access import Actor


def greeting(actor: Actor) -> str:
    name = escape(actor.first_name)
    if actor.is_owner:
        return (
            _(
                "Hello, {name}! You are the owner.\n"
                "/invite: invite a manager\n"
                "/team: your managers, on duty and open requests\n"
                "/duty: go on or off duty\n"
                "/language: change language"
            ).format(name=name)
            + "\n"
            + _(
                "/deals: open requests\n"
                "/find: find a request by number, name or phone\n"
                "/stages: pipeline stages"
            )
            + "\n"
            + _("/new: enter a request by hand\n/sources: where requests come from")
            + "\n"
            + _(
                "/report: reports with a chart\n"
                "/export: requests as a spreadsheet\n"
                "/settings: digests, SLA and working hours"
            )
        )
    if actor.is_staff:
        return (
            _(
                "Hello, {name}! You are a manager. New requests come here as cards: "
                "tap Take, then Reply to answer the customer.\n"
                "/duty: go on or off duty\n"
                "/language: change language"
            ).format(name=name)
            + "\n"
            + _("/deals: your open requests\n/find: find a request by number, name or phone")
            + "\n"
            + _("/new: enter a request by hand")
        )
    return _(
        "Hello, {name}! Tell us what you need and a manager will get back to you. "
        "You can simply write here, or use the menu below."
    ).format(name=name)


def staff_help() -> str:
    return _(
        "To answer a customer, tap Reply under their request, or reply to their message. "
        "/duty turns new requests on or off; /cancel leaves any step."
    )
