"""A deal's 🛒 Items: the lines, their discounts and the totals, and the buttons that change them
(an item's quantity or measurements, discounts, removing, adding by search or from the catalog)."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from presentation.catalog import CatalogAction, CatalogCb, product_name
from presentation.deals.callbacks import CardAction, CardCb, ItemAction, ItemCb
from presentation.deals.card import Reader, discount_text, money
from presentation.units import quantity_text, unit_name
from services.catalog import name_in
from services.item_views import DealItems, DiscountView, ItemView, MeasureView


def _button(
    shown: DealItems, version: int, text: str, action: ItemAction, arg: int = 0, arg2: int = 0
) -> InlineKeyboardButton:
    data = ItemCb(action=action, deal_id=shown.deal_id, version=version, arg=arg, arg2=arg2)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def measures_text(measure: MeasureView, locale: str, html: bool = True) -> str:
    """ "Room: 4.2 × 3.5 m"; `html`: escaped for a message (a button's label is not)."""
    values = " × ".join(quantity_text(measure.values[i.key], locale) for i in measure.inputs)
    unit = measure.inputs[0].unit if measure.inputs else ""
    name = name_in(measure.names, locale)
    return f"{escape(name) if html else name}: {values} {unit_name(unit, locale)}".rstrip()


def item_line(number: int, item: ItemView, reader: Reader) -> list[str]:
    unit = unit_name(item.unit, reader.locale)
    lines = [
        f"{number}. {product_name(item.names, reader.locale)}",
        _("   {quantity} {unit} × {price} = {amount}").format(
            quantity=quantity_text(item.quantity, reader.locale),
            unit=unit,
            price=money(item.price, reader),
            amount=money(item.line.gross, reader),
        ),
    ]
    for discount in filter(lambda d: _removable(d, reader), item.discounts):
        lines.append(f"   🏷 {discount_text(discount, reader)}")
    return lines


def totals_lines(shown: DealItems, reader: Reader) -> list[str]:
    totals = shown.totals
    lines = [_("Subtotal: {amount}").format(amount=money(totals.subtotal, reader))]
    if totals.discounts:
        lines.append(_("Discounts: −{amount}").format(amount=money(totals.discounts, reader)))
    for discount in shown.discounts:
        lines.append(
            _("🏷 On the request: {discount}").format(discount=discount_text(discount, reader))
        )
    if totals.vat:
        vat = money(totals.vat, reader)
        lines.append(
            _("VAT included: {amount}").format(amount=vat)
            if totals.vat_included
            else _("VAT: {amount}").format(amount=vat)
        )
    lines.append(_("<b>Total: {amount}</b>").format(amount=money(totals.total, reader)))
    return lines


def items_text(shown: DealItems, reader: Reader) -> str:
    lines = [_("<b>Request #{number}: items</b>").format(number=shown.deal_id)]
    if not shown.items:
        lines.append(
            _(
                "No items yet. Find a product by name or code with 🔎, "
                "or choose it from the catalog."
            )
        )
        return "\n".join(lines)
    for number, item in enumerate(shown.items, start=1):
        lines += item_line(number, item, reader)
    for measure in shown.measures:
        lines.append(f"📐 {measures_text(measure, reader.locale)}")
    return "\n".join([*lines, "", *totals_lines(shown, reader)])


def _removable(discount: DiscountView, reader: Reader) -> bool:
    """An owner takes back any discount, a manager their own."""
    return reader.is_owner or discount.by_id == reader.user_id


def items_keyboard(
    shown: DealItems, version: int, is_open: bool, reader: Reader
) -> InlineKeyboardMarkup:
    locale = reader.locale
    back = CardCb(action=CardAction.CARD, deal_id=shown.deal_id, version=version)
    back_row = [InlineKeyboardButton(text=_("« Back to the card"), callback_data=back.pack())]
    if not is_open:
        return InlineKeyboardMarkup(inline_keyboard=[back_row])
    rows = [
        [
            _button(
                shown,
                version,
                f"{n}. {name_in(item.names, locale)[:40]}",
                ItemAction.OPEN,
                item.item_id,
            )
        ]
        for n, item in enumerate(shown.items, start=1)
    ]
    catalog = CatalogCb(action=CatalogAction.HOME, deal_id=shown.deal_id, version=version)
    rows.append(
        [
            InlineKeyboardButton(
                text=_("🔎 Find"), switch_inline_query_current_chat=f"#{shown.deal_id} "
            ),
            InlineKeyboardButton(text=_("📂 Catalog"), callback_data=catalog.pack()),
        ]
    )
    if shown.items:
        rows.append([_button(shown, version, _("🏷 Discount on the request"), ItemAction.DISCOUNT)])
        for discount in filter(lambda d: _removable(d, reader), shown.discounts):
            rows.append(
                [
                    _button(
                        shown,
                        version,
                        _("✖ Remove a discount on the request"),
                        ItemAction.UNDISCOUNT,
                        discount.discount_id,
                    )
                ]
            )
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back_row])


def item_text(shown: DealItems, item: ItemView, reader: Reader) -> str:
    number = shown.items.index(item) + 1
    lines = [_("<b>Request #{number}: item</b>").format(number=shown.deal_id)]
    lines += item_line(number, item, reader)
    measure = shown.measure(item.measure_id) if item.measure_id else None
    if measure is not None:
        lines.append(f"📐 {measures_text(measure, reader.locale)}")
    return "\n".join(lines)


def item_keyboard(
    shown: DealItems, item: ItemView, version: int, reader: Reader
) -> InlineKeyboardMarkup:
    change = (
        _button(shown, version, _("📐 Measurements"), ItemAction.MEASURES, item.measure_id)
        if item.measure_id
        else _button(shown, version, _("✏️ Quantity"), ItemAction.QUANTITY, item.item_id)
    )
    rows = [
        [change, _button(shown, version, _("🏷 Discount"), ItemAction.DISCOUNT, item.item_id)],
    ]
    for discount in filter(lambda d: _removable(d, reader), item.discounts):
        rows.append(
            [
                _button(
                    shown,
                    version,
                    _("✖ Remove the discount"),
                    ItemAction.UNDISCOUNT,
                    discount.discount_id,
                )
            ]
        )
    rows.append([_button(shown, version, _("🗑 Remove the item"), ItemAction.REMOVE, item.item_id)])
    rows.append([_button(shown, version, _("« Items"), ItemAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def quantity_prompt(name: str, unit: str, locale: str) -> str:
    return _("How many {unit} of {name}? Send the quantity, or /cancel.").format(
        unit=unit_name(unit, locale), name=escape(name)
    )


def measures_prompt(name: str, inputs: list[str], unit: str, locale: str) -> str:
    asked = " × ".join(escape(i) for i in inputs)
    example = _("4.2 x 3.5") if len(inputs) == 2 else " x ".join(["2"] * len(inputs))
    return _(
        "{name} is counted from measurements: send {inputs} in {unit}, like {example}; or /cancel."
    ).format(name=escape(name), inputs=asked, unit=unit_name(unit, locale), example=example)


def discount_prompt(deal_id: int, item: str | None) -> str:
    if item is None:
        return _(
            "Send the discount on request #{number}: a percent like 5%, or an amount like 50; "
            "or /cancel."
        ).format(number=deal_id)
    return _(
        "Send the discount on {name}: a percent like 5%, or an amount like 50; or /cancel."
    ).format(name=escape(item))


def use_measures_keyboard(
    shown: DealItems, version: int, product_id: int, measures: list[MeasureView], locale: str
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                shown,
                version,
                f"📐 {measures_text(m, locale, html=False)}",
                ItemAction.USE,
                product_id,
                m.measure_id,
            )
        ]
        for m in measures
    ]
    rows.append([_button(shown, version, _("« Items"), ItemAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
