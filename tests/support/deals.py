"""People and deals fed through the dispatcher harness: Olga the owner, Leyla a customer, Anna
and Bako managers; a customer's request reaches Anna, a manager on duty, as a card."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.db.deals import Deal
from services.db.users import User
from tests.support.calls import buttons, sent_to, without_answers
from tests.support.harness import OWNER_ID, Harness, person

OLGA = person(OWNER_ID, "Olga")
LEYLA = person(100, "Leyla", "ru")
ANNA = person(200, "Anna")
BAKO = person(201, "Bako")
CARD = 900  # the message id the card has in the manager's chat
STALE = "This card was out of date, so nothing was changed. Here is the request as it is now."


async def make_manager(tg: Harness, user_tg_id: int = ANNA.id, name: str = "Anna") -> None:
    async with tg.app.sessions() as session:
        session.add(
            User(tg_id=user_tg_id, role="manager", first_name=name, created_at=tg.app.clock.now())
        )
        await session.commit()


async def new_deal(tg: Harness, customer: Any = LEYLA, text: str = "Need 20 chairs") -> Any:
    """Anna, a manager on duty, gets the customer's request as a card."""
    async with tg.app.sessions() as session:
        known = await session.scalar(select(User.id).where(User.tg_id == ANNA.id))
    if known is None:
        await make_manager(tg, ANNA.id, "Anna")
    await tg.send(customer, text)
    [card] = sent_to(await tg.deliver(), ANNA.id)
    return card


async def deal(tg: Harness, deal_id: int = 1) -> Deal:
    async with tg.app.sessions() as session:
        return await session.get_one(Deal, deal_id)


Rows = list[list[tuple[str, str | None]]]


def taken_keyboard(version: int, next_label: str, deal_id: int = 1) -> Rows:
    """A taken deal's card as its manager sees it: the next stage, Reply, Remind, ⋯ More."""
    v = f"{deal_id}:{version}"
    return [
        [(next_label, f"dk:n:{v}:0"), ("↩️ Reply", f"d:r:{deal_id}")],
        [("⏰ Remind", f"rm:m:{deal_id}:h1"), ("⋯ More", f"dk:v:{v}:0")],
    ]


def taken_more(version: int, deal_id: int = 1) -> Rows:
    """What ⋯ More shows on a taken deal with no items."""
    v = f"{deal_id}:{version}"
    return [
        [("🔀 Stage…", f"dk:s:{v}:0"), ("💰 Amount", f"dk:a:{v}:0")],
        [("🛒 Items", f"it:l:{v}:0:0"), ("📝 Note", f"dk:o:{v}:0")],
        [("❌ Lost", f"dk:l:{v}:0"), ("👥 Reassign", f"dk:r:{v}:0")],
        [("📜 History", f"dk:h:{v}:0"), ("🧾 Fields", f"fv:l:{deal_id}:0:0")],
        [("📌 Task", f"tw:d:{deal_id}:h1"), ("📄 Contract", f"ct:e:{deal_id}")],
        [("🗂 Documents", f"dc:l:{deal_id}"), ("👤 Customer", f"cu:q:{deal_id}:0:0")],
        [("‹ Back", f"dk:c:{v}:0")],
    ]


async def more_buttons(tg: Harness, user: Any, data: str, message_id: int = CARD) -> Rows:
    """The buttons ⋯ More (`data`) shows in place of the card's few."""
    [more] = without_answers(await tg.press(user, data, message_id=message_id))
    assert more.message_id == message_id
    return buttons(more)
