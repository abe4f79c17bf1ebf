"""An owner's ✅ Approve or ✖ Refuse of a discount above a manager's limit."""

from __future__ import annotations

from aiogram import Router
from aiogram.utils.i18n import gettext as _

from handlers.filters import Staff
from handlers.presses import Press, on_press
from presentation.deals.card import money
from presentation.discounts import DiscountAction, DiscountCb
from services import discounts
from services.item_views import deal_items


@on_press
async def decision(press: Press[DiscountCb]) -> None:
    cb = press.data
    approve = cb.action == DiscountAction.APPROVE
    deal_id, approved = await discounts.decide(
        press.session, press.actor, cb.discount_id, approve, press.now
    )
    shown = await deal_items(press.session, deal_id)
    total = money(shown.totals.total, press.reader)
    if approved:
        text = _("✅ Discount approved on request #{number}. Its total: {total}.").format(
            number=deal_id, total=total
        )
    else:
        text = _("✖ Discount refused on request #{number}.").format(number=deal_id)
    press.answer.text = text
    await press.show(text)


def router() -> Router:
    router = Router(name="discounts")
    router.callback_query.register(decision, DiscountCb.filter(), Staff())
    return router
