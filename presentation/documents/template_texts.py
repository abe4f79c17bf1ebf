"""What the owner reads while giving the contract template: the placeholders to write, and
why a file was not kept."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext


def template_prompt(fields: list[str]) -> str:
    lines = [
        _("Send your contract as a Word file (.docx). Where a value goes, write a placeholder:"),
        "<code>{{ customer.name }}</code> <code>{{ customer.phone }}</code> "
        "<code>{{ customer.email }}</code>",
        "<code>{{ deal.number }}</code> <code>{{ deal.total }}</code> "
        "<code>{{ deal.date }}</code> <code>{{ deal.manager }}</code>",
        "<code>{{ company.name }}</code> <code>{{ company.address }}</code> "
        "<code>{{ company.tax_number }}</code> <code>{{ today }}</code>",
        _(
            "For a row per item, a table row with {start}, then a row with {cells}, then {end}."
        ).format(
            start="<code>{%tr for item in items %}</code>",
            cells="<code>{{ item.name }}</code> <code>{{ item.quantity }}</code> "
            "<code>{{ item.amount }}</code>",
            end="<code>{%tr endfor %}</code>",
        ),
    ]
    if fields:
        named = " ".join(f"<code>{{{{ fields.{escape(key)} }}}}</code>" for key in fields)
        lines.append(_("Your fields: {fields}").format(fields=named))
    lines.append(_("/cancel stops."))
    return "\n".join(lines)


def template_saved(placeholders: tuple[str, ...]) -> str:
    count = len(placeholders)
    return ngettext(
        "✅ The contract template is saved. It fills in {count} placeholder.",
        "✅ The contract template is saved. It fills in {count} placeholders.",
        count,
    ).format(count=count)


def template_refused(unknown: tuple[str, ...]) -> str:
    named = ", ".join(f"<code>{escape(name)}</code>" for name in unknown)
    return _(
        "Nothing was saved: the template names what I can't fill in: {names}. "
        "Correct them and send the file again, or /cancel."
    ).format(names=named)


def template_invalid(reason: str, detail: str) -> str:
    if reason == "syntax":
        return _(
            "Nothing was saved: the template has a mistake: {detail}. Send it again, or /cancel."
        ).format(detail=escape(detail))
    if reason == "render":
        return _(
            "Nothing was saved: the template fails when filled in: {detail}. "
            "Send it again, or /cancel."
        ).format(detail=escape(detail))
    if reason == "unsafe":
        return _(
            "Nothing was saved: the template asks for what it may not. Send another, or /cancel."
        )
    return _(
        "That is not a Word file (.docx) I can read, or it is over 2 MB. Send another, or /cancel."
    )
