"""Products and a request with items, for the tests of items, discounts and documents."""

from __future__ import annotations

from tests.support.catalog import NOW, names, product, room
from tests.support.deals import ANNA, new_deal
from tests.support.harness import Harness

SCREEN = 901


async def laminate_and_underlay(tg: Harness) -> None:
    async with tg.app.sessions() as session:
        kind = await room(session)
        await product(
            session,
            NOW,
            names("Laminate Oak", "Laminat Palıd", "Ламинат Дуб"),
            "25.00",
            "m2",
            code="LAM-8",
            vat="18",
            measure_set_id=kind.id,
            formula="pack(length * width * 1.1, 2.2)",
        )
        await product(
            session,
            NOW,
            names("Underlay", "Altlıq", "Подложка"),
            "2.50",
            "m2",
            measure_set_id=kind.id,
            formula="ceil(length * width)",
        )
        await product(session, NOW, names("Skirting glue"), "7.00", code="GLUE-1")
        await session.commit()


async def ten_glue(tg: Harness) -> None:
    """Anna's request #1 holds 10 pcs of skirting glue at AZN7.00 (version 2)."""
    await laminate_and_underlay(tg)
    await new_deal(tg)
    await tg.press(ANNA, "cg:p:1:1:3:0", message_id=SCREEN)
    await tg.send(ANNA, "10")
