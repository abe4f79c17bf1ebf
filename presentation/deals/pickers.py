"""What a deal card turns into for a moment: stage, lost-reason and manager choices, history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from presentation.deals.callbacks import CardAction
from presentation.deals.card import Reader, back, button, lost_reason, money, reason_names
from presentation.documents.layout import kind_name
from presentation.field_values import field_name, value_text
from presentation.render import source_name, stage_name, when
from presentation.rules.describe import minutes
from presentation.rules.standard import title as standard_title
from presentation.units import quantity_text
from services.catalog import name_in
from services.field_kinds import Shown
from services.history import ON_DEAL, PERSON, Entry, HistoryPage, Value
from services.pipeline import LOST_REASONS
from services.rules.model import CUSTOMER, OWNERS, RESPONSIBLE
from services.rules.standard import ESCALATION
from services.stages import StageView
from services.stock import RELEASED, TAKEN
from services.totals import PERCENT, Off
from services.views import DealCard


def stage_picker(card: DealCard, stages: list[StageView], reader: Reader) -> InlineKeyboardMarkup:
    rows = []
    for stage in stages:
        mark = "✓ " if stage.id == card.stage_id else ""
        text = mark + stage_name(stage.names, reader.locale)
        rows.append([button(card, text, CardAction.STAGE, stage.id)])
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back(card)])


def lost_picker(card: DealCard) -> InlineKeyboardMarkup:
    names = reason_names()
    rows = [
        [button(card, names[reason], CardAction.LOSE, index)]
        for index, reason in enumerate(LOST_REASONS)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back(card)])


def handover_picker(card: DealCard, people: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[button(card, name, CardAction.ASSIGN, user_id)] for user_id, name in people]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back(card)])


def history_text(page: HistoryPage, reader: Reader) -> str:
    title = _("<b>Request #{number}: history</b>").format(number=page.deal_id)
    if page.pages > 1:
        title += " " + _("(page {page} of {pages})").format(page=page.page + 1, pages=page.pages)
    lines = [title]
    lines += [entry_line(entry, describe(entry, reader), reader) for entry in page.entries]
    return "\n".join(lines)


def entry_line(entry: Entry, what: str, reader: Reader) -> str:
    """When, who (or the rule that did it) and what."""
    moment = when(entry.at, reader.zone, reader.locale)
    who = f"{escape(entry.who)}: " if entry.who else ""
    if entry.rule is not None:
        who = _("by rule «{name}»").format(name=escape(entry.rule)) + ": "
    elif entry.kind == "not_taken":
        who = _("by rule «{name}»").format(name=standard_title(ESCALATION)) + ": "
    return f"{moment} · {who}{what}"


def history_keyboard(page: HistoryPage) -> InlineKeyboardMarkup:
    arrows = []
    if page.page + 1 < page.pages:
        arrows.append(button(page, _("‹ Earlier"), CardAction.HISTORY, page.page + 1))
    if page.page > 0:
        arrows.append(button(page, _("Later ›"), CardAction.HISTORY, page.page - 1))
    rows = [arrows] if arrows else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back(page)])


def describe(entry: Entry, reader: Reader) -> str:
    """One change in the reader's words; values were resolved to names by the service."""
    old, new = entry.old, entry.new
    match entry.kind:
        case "created":
            return _("request created ({source})").format(source=source_name(_text(new)))
        case "assigned" if old is None:
            return _("assigned to {name}").format(name=escape(_text(new)))
        case "assigned":
            return _("handed over from {old} to {new}").format(
                old=escape(_text(old)), new=escape(_text(new))
            )
        case "taken":
            return _("took the request")
        case "not_taken":
            waited = minutes(int(new)) if isinstance(new, str) and new.isdigit() else "—"
            return _("not taken within {time} of working time").format(time=waited)
        case "first_response":
            return _("first answer to the customer")
        case "stage":
            return _("stage {old} → {new}").format(
                old=_stage(old, reader), new=_stage(new, reader)
            )
        case "reopened":
            return _("reopened at {stage}").format(stage=_stage(new, reader))
        case "amount" if old is None:
            return _("amount set to {amount}").format(amount=_money(new, reader))
        case "amount":
            return _("amount {old} → {new}").format(
                old=_money(old, reader), new=_money(new, reader)
            )
        case "note":
            return f"📝 {escape(_text(new))}"
        case "merged":
            return _("customer {old} merged into {new}").format(
                old=escape(_text(old)), new=escape(_text(new))
            )
        case "unmerged":
            return _("merge undone: customer {new} split off from {old}").format(
                old=escape(_text(old)), new=escape(_text(new))
            )
        case "lost_reason":
            return _("lost: {reason}").format(reason=lost_reason(_text(new)))
        case "message_in" | "message_out":
            return _message(_text(old), _text(new))
        case "field" if entry.field is not None:
            return _field(entry, reader)
        case "tagged":
            return _("tag #{tag} added").format(tag=escape(_text(new)))
        case "untagged":
            return _("tag #{tag} removed").format(tag=escape(_text(new)))
        case "rule_message":
            return _rule_message(old, new)
        case "rule_task":
            due = when(new, reader.zone, reader.locale) if isinstance(new, datetime) else "—"
            return _("task for {person}, due {time}").format(
                person=escape(_text(old)) or "—", time=due
            )
        case "task_given":
            due = when(new, reader.zone, reader.locale) if isinstance(new, datetime) else "—"
            if old is None:
                return _("📌 task for the owners, due {time}").format(time=due)
            return _("📌 task for {person}, due {time}").format(
                person=escape(_text(old)), time=due
            )
        case "webhook":
            return _("request posted to {url}").format(url=escape(_text(new)))
        case "item":
            return _item(entry, reader)
        case "discount" | "discount_asked" | "discount_held" | "discount_refused":
            return _discount(entry, reader)
        case "document" | "document_sent" | "document_accepted":
            return _document(entry)
        case "payment":
            return _payment(_text(old), new, reader)
        case "delivery":
            return _delivery(_text(new), reader)
        case "stock":
            return _stock(_text(new))
        case "rated":
            return _("⭐ rated {rating} by the customer").format(rating=escape(_text(new)))
        case "rating_comment":
            return _("💬 the customer's comment: «{comment}»").format(comment=escape(_text(new)))
    return escape(entry.kind)


def _stock(change: str) -> str:
    if change == RELEASED:
        return _("📦 reserved stock released")
    if change == TAKEN:
        return _("📦 reserved items taken out of stock")
    return _("📦 stock reserved for its items")


def _document(entry: Entry) -> str:
    number = escape(_text(entry.new))
    name = kind_name(_text(entry.old))
    if entry.kind == "document_sent":
        return _("📤 {document} {number} sent to the customer").format(
            document=name, number=number
        )
    if entry.kind == "document_accepted":
        return _("✅ {document} {number} accepted").format(document=name, number=number)
    return _("🗂 {document} {number} made").format(document=name, number=number)


def _delivery(value: str, reader: Reader) -> str:
    """ "2026-12-24 TRK-77" as the reader writes a date."""
    day, _space, tracking = value.partition(" ")
    try:
        shown = str(format_date(date.fromisoformat(day), "medium", locale=reader.locale))
    except ValueError:
        shown = day
    text = f"{shown} {tracking}" if tracking else shown
    return _("🚚 delivery: {delivery}").format(delivery=escape(text))


def _payment(method: str, amount: Value, reader: Reader) -> str:
    paid = _money(amount, reader)
    if method == "telegram":
        return _("💳 {amount} paid in Telegram").format(amount=paid)
    if method == "api":
        return _("💳 {amount} posted by the accounting system").format(amount=paid)
    return _("💳 {amount} received").format(amount=paid)


def _item(entry: Entry, reader: Reader) -> str:
    name = escape(name_in(entry.product or {"en": "?"}, reader.locale))
    old, new = entry.old, entry.new
    if old is None:
        return _("🛒 added {product} × {quantity}").format(
            product=name, quantity=_quantity(new, reader)
        )
    if new is None:
        return _("🛒 removed {product}").format(product=name)
    return _("🛒 {product}: {old} → {new}").format(
        product=name, old=_quantity(old, reader), new=_quantity(new, reader)
    )


def _quantity(value: Value, reader: Reader) -> str:
    # The unit is not kept with an item's change: the quantity alone.
    return quantity_text(value, reader.locale) if isinstance(value, Decimal) else "—"


def _discount(entry: Entry, reader: Reader) -> str:
    off = entry.new
    if not isinstance(off, Off):
        return _("🏷 discount removed")
    shown = _off(off, reader)
    if entry.kind == "discount_asked":
        return _("⏳ discount {discount} asked of the owner").format(discount=shown)
    if entry.kind == "discount_held":
        return _(
            "⏳ discount {discount} above the limit once the items changed: asked of the owner"
        ).format(discount=shown)
    if entry.kind == "discount_refused":
        return _("✖ discount {discount} refused").format(discount=shown)
    if entry.old == ON_DEAL:
        return _("🏷 discount {discount} on the request").format(discount=shown)
    if entry.product is None:
        return _("🏷 discount {discount} on an item").format(discount=shown)
    return _("🏷 discount {discount} on {product}").format(
        discount=shown, product=escape(name_in(entry.product, reader.locale))
    )


def _off(off: Off, reader: Reader) -> str:
    if off.kind == PERCENT:
        return f"{quantity_text(off.value, reader.locale)}%"
    return money(off.value, reader)


def _rule_message(old: Value, new: Value) -> str:
    if old == PERSON:
        return _("message sent to {name}").format(name=escape(_text(new)))
    readers = {
        CUSTOMER: _("message sent to the customer"),
        RESPONSIBLE: _("message sent to the responsible manager"),
        OWNERS: _("message sent to the owners"),
    }
    return readers.get(_text(new), _("message sent"))


def _field(entry: Entry, reader: Reader) -> str:
    field = entry.field
    assert field is not None
    name = escape(field_name(field, reader.locale))

    def shown(value: Value) -> str:
        if value is None or isinstance(value, (dict, Off)):
            return "—"
        return value_text(Shown(field, value), reader.locale, reader.currency)

    return _("🧾 {name}: {old} → {new}").format(
        name=name, old=shown(entry.old), new=shown(entry.new)
    )


def _message(kind: str, text: str) -> str:
    if kind == "photo":
        caption = escape(text) or _("photo")
        return f"📷 {caption}"
    if kind == "document":
        caption = escape(text) or _("document")
        return f"📎 {caption}"
    return f"💬 {escape(text)}"


def _text(value: Value) -> str:
    return value if isinstance(value, str) else ""


def _stage(value: Value, reader: Reader) -> str:
    return escape(stage_name(value, reader.locale)) if isinstance(value, dict) else "—"


def _money(value: Value, reader: Reader) -> str:
    return money(value, reader) if isinstance(value, Decimal) else "—"
