"""What a web form said shows on the card: the customer's e-mail, and where the lead came
from next to its source."""

from __future__ import annotations

from sqlalchemy import update

from services.db.customers import Customer
from services.db.deals import Deal
from tests.support.calls import without_answers
from tests.support.deals import OLGA, new_deal
from tests.support.harness import Harness


async def test_the_card_shows_the_e_mail_and_where_the_lead_came_from(tg: Harness) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        await session.execute(update(Customer).values(email="leyla@example.com"))
        await session.execute(update(Deal).values(source="web", source_detail="instagram"))
        await session.commit()
    [card] = without_answers(await tg.press(OLGA, "do:1"))
    assert card.text.splitlines() == [
        "<b>Request #1</b>",
        "📍 New ▰▱▱▱▱",
        "👤 Leyla",
        "✉️ leyla@example.com",
        "💬 Need 20 chairs",
        "💰 Amount not set",
        "👔 Anna, not taken yet",
        "Source: website · instagram · Mar 2, 2026, 13:00",
        "⏱ Open for less than a minute · last activity just now",
    ]


async def test_what_a_form_sent_is_shown_as_text(tg: Harness) -> None:
    await new_deal(tg)
    async with tg.app.sessions() as session:
        await session.execute(update(Customer).values(email="<b>@example.com"))
        await session.execute(update(Deal).values(source="web", source_detail="<i>promo</i>"))
        await session.commit()
    [card] = without_answers(await tg.press(OLGA, "do:1"))
    lines = card.text.splitlines()
    assert "✉️ &lt;b&gt;@example.com" in lines
    assert "Source: website · &lt;i&gt;promo&lt;/i&gt; · Mar 2, 2026, 13:00" in lines
