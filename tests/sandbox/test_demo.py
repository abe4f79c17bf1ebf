"""`--demo`: a small business, made through the services, visible in everyone's phone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from sandbox.demo_data import DEALS, MANAGERS
from sandbox.people import FIRST_CUSTOMER_ID, FIRST_MANAGER_ID, OWNER_ID
from sandbox.sandbox import Sandbox
from services.db.customers import Customer
from services.db.deals import ChatMessage, Deal, Stage
from services.db.users import User
from tests.support.sandbox import Client, StartSandbox


async def test_demo_business_is_loaded_and_shown_in_the_phones(
    sandbox_factory: StartSandbox, client: Callable[[Sandbox], Client]
) -> None:
    async with sandbox_factory(with_demo=True) as sandbox:
        emu = sandbox.emulator
        managers = [FIRST_MANAGER_ID + i for i in range(len(MANAGERS))]
        customers = [FIRST_CUSTOMER_ID + i for i in range(len(DEALS))]

        joined = [
            f"🎉 {first} {last} joined the team as a manager." for first, _, last in MANAGERS
        ]

        def delivered() -> bool:
            # Each manager: the greeting and four cards; the owner: who joined (maybe combined).
            owner_chat = "\n".join(m.text or "" for m in emu.user(OWNER_ID).bot_messages())
            return all(len(emu.user(m).bot_messages()) == 5 for m in managers) and all(
                line in owner_chat for line in joined
            )

        await emu.wait_for(delivered, timeout=10)
        state = await client(sandbox).get("sandbox/api/state")
        leyla = emu.user(FIRST_CUSTOMER_ID)
        await emu.wait_for(lambda: any(DEALS[0].reply in (m.text or "") for m in leyla.messages()))

        async with sandbox.app.sessions() as session:
            roles = Counter((await session.scalars(select(User.role))).all())
            stages: dict[str, int] = dict(
                (
                    await session.execute(
                        select(Stage.names["en"].as_string(), func.count(Deal.id))
                        .join(Deal, Deal.stage_id == Stage.id)
                        .group_by(Stage.id)
                    )
                ).all()
            )
            taken = await session.scalar(select(func.count()).where(Deal.taken_at.is_not(None)))
            amounts = await session.scalar(select(func.count()).where(Deal.amount.is_not(None)))
            phones = set((await session.scalars(select(Customer.phone))).all())
            cards = (
                await session.execute(
                    select(ChatMessage.chat_id, func.count())
                    .where(ChatMessage.kind == "deal_card")
                    .group_by(ChatMessage.chat_id)
                )
            ).all()

    assert roles == {"owner": 1, "manager": 3, "customer": 12}
    assert stages == {
        "New": 3,
        "Contacted": 3,
        "Proposal": 2,
        "Invoice sent": 1,
        "Won": 2,
        "Lost": 1,
    }
    assert (taken, amounts) == (9, 6)
    assert phones == {p["phone"] for p in state["people"] if p["role"] == "customer"}
    assert dict(cards) == {manager: 4 for manager in managers}
    assert [(p["name"], p["role"], p["started"]) for p in state["people"][:4]] == [
        ("Kamran Aliyev", "owner", True),
        ("Anna Karimova", "manager", True),
        ("Rashad Huseynov", "manager", True),
        ("Olga Petrova", "manager", True),
    ]
    assert all(emu.users[c].started for c in customers)
