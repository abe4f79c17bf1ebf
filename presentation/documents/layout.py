"""A kept document's content laid out for the PDF: every word in the document's language,
numbers, money and the date formatted for it with Babel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from babel.numbers import format_currency

from presentation.documents.pdf import PdfDocument, PdfLine, PdfParty
from presentation.units import quantity_text, unit_name
from services.db.documents import Document


def kind_name(kind: str) -> str:
    if kind == "contract":
        return _("Contract")
    return _("Invoice") if kind == "invoice" else _("Quote")


def filename(document: Document) -> str:
    """A contract is the owner's Word file filled in; the others are PDFs."""
    return f"{document.number}.docx" if document.kind == "contract" else f"{document.number}.pdf"


def title(document: Document) -> str:
    return title_of(document.kind, document.number, document.version)


def title_of(kind: str, number: str, version: int) -> str:
    """ "Quote Q-2026-0001", with the version from the second on."""
    name = f"{kind_name(kind)} {number}"
    if version > 1:
        return _("{document} (version {version})").format(document=name, version=version)
    return name


def layout(document: Document, logo: bytes | None) -> PdfDocument:
    with get_i18n().use_locale(document.locale):
        return _layout(document, logo)


def _layout(document: Document, logo: bytes | None) -> PdfDocument:
    data: dict[str, Any] = document.content
    locale, currency = document.locale, data["currency"]

    def money(value: str) -> str:
        return str(format_currency(Decimal(value), currency, locale=locale))

    company, customer, totals = data["company"], data["customer"], data["totals"]
    made_on = format_date(date.fromisoformat(data["made_on"]), "long", locale=locale)
    lines = tuple(
        PdfLine(
            position=str(index),
            name=line["name"],
            code=line["code"],
            quantity=quantity_text(Decimal(line["quantity"]), locale),
            unit=unit_name(line["unit"], locale),
            price=money(line["price"]),
            discount=money(line["discount"]) if Decimal(line["discount"]) else "",
            amount=money(line["amount"]),
        )
        for index, line in enumerate(data["lines"], start=1)
    )
    rows = [(_("Subtotal"), money(totals["subtotal"]))]
    if Decimal(totals["discounts"]):
        rows.append((_("Discounts"), "−" + money(totals["discounts"])))
    if Decimal(totals["vat"]):
        label = _("VAT included") if data["vat_included"] else _("VAT")
        rows.append((label, money(totals["vat"])))
    rows.append((_("Total"), money(totals["total"])))
    return PdfDocument(
        lang=locale,
        title=title(document),
        subtitle=_("Request #{number} · {date}").format(number=data["deal_id"], date=made_on),
        company=PdfParty(company["name"], _details(company)),
        customer_heading=_("Customer"),
        customer=PdfParty(
            customer["name"], tuple(v for v in (customer["phone"], customer["email"]) if v)
        ),
        headings=(
            _("No."),
            _("Item"),
            _("Code"),
            _("Qty"),
            _("Unit"),
            _("Price"),
            _("Discount"),
            _("Amount"),
        ),
        lines=lines,
        totals=tuple(rows),
        notes=_notes(document.kind),
        footer=company["footer"],
        logo=logo,
    )


def _details(company: dict[str, str]) -> tuple[str, ...]:
    found = [*company["address"].splitlines()]
    if company["tax_number"]:
        found.append(_("Tax number: {number}").format(number=company["tax_number"]))
    found += company["bank"].splitlines()
    return tuple(found)


def _notes(kind: str) -> tuple[str, ...]:
    if kind == "invoice":
        return (_("Please pay the total by bank transfer, naming the invoice number."),)
    return (
        _("Prices are as of the quote's date. To accept it, press Accept under it in the chat."),
    )
