"""A fixed week of business for the report tests (company zone Asia/Baku, UTC+4).

The week reported is Mon 23 Feb - Sun 1 Mar 2026; "now" is Mon 2 Mar 13:00 local. Working hours
Mon-Fri 09:00-18:00, SLA 15 minutes. Every figure the tests expect is derived in the comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.db.contracts import Contract
from services.db.customers import Customer
from services.db.deals import Deal, Event
from services.db.documents import Payment
from services.db.tasks import Task
from services.db.users import User

BAKU = ZoneInfo("Asia/Baku")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
NEW, CONTACTED, PROPOSAL, INVOICE, WON, LOST = 1, 2, 3, 4, 5, 6
OWNER, ANNA, BAKO = 1, 2, 3


def local(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BAKU).astimezone(UTC)


@dataclass
class Seed:
    session: AsyncSession
    customer: int = 0

    async def people(self) -> None:
        """The owner (kept if the bot already made the account), Anna and Bako, all here
        since long before the reported week."""
        for user_id, tg_id, role, name in (
            (OWNER, 1, "owner", "Olga"),
            (ANNA, 200, "manager", "Anna"),
            (BAKO, 201, "manager", "Bako"),
        ):
            user = await self.session.scalar(select(User).where(User.tg_id == tg_id))
            if user is None:
                # No explicit ids: PostgreSQL's sequence must stay ahead of the rows.
                user = User(tg_id=tg_id)
                self.session.add(user)
            user.role, user.first_name, user.created_at = role, name, SINCE
            await self.session.flush()
            assert user.id == user_id

    async def deal(
        self,
        created: datetime,
        source: str,
        manager: int | None,
        *,
        answered: datetime | None = None,
        how: str = "taken",
        moves: tuple[tuple[int, int, datetime], ...] = (),
        closed: datetime | None = None,
        amount: str | None = None,
        reason: str | None = None,
        activity: datetime | None = None,
    ) -> int:
        self.customer += 1
        customer = Customer(
            name=f"Customer {self.customer}",
            phone=f"+99450000{self.customer:04d}",
            source=source,
            created_at=created,
        )
        self.session.add(customer)
        await self.session.flush()
        stage = moves[-1][1] if moves else NEW
        deal = Deal(
            customer_id=customer.id,
            source=source,
            stage_id=stage,
            manager_id=manager,
            amount=Decimal(amount) if amount else None,
            title=f"need {self.customer}",
            created_at=created,
            taken_at=answered,
            closed_at=closed,
            last_activity_at=activity or (moves[-1][2] if moves else answered or created),
            lost_reason=reason,
            version=1,
        )
        self.session.add(deal)
        await self.session.flush()
        self._event(deal.id, None, "created", created, None, source)
        if answered is not None:
            self._event(deal.id, manager, how, answered)
        for old, new, at in moves:
            self._event(deal.id, manager, "stage", at, str(old), str(new))
        return deal.id

    def _event(
        self,
        deal_id: int,
        actor: int | None,
        kind: str,
        at: datetime,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        self.session.add(
            Event(
                deal_id=deal_id,
                actor_id=actor,
                kind=kind,
                from_value=old,
                to_value=new,
                created_at=at,
            )
        )


async def week(session: AsyncSession) -> None:
    """Deals 1-8 come in during the week, 9-11 the week before, 12 just after (local time)."""
    seed = Seed(session)
    await seed.people()
    # 1: answered in 5 min; Contacted, Proposal, Won (1 000) on Wed.
    await seed.deal(
        local(23, 10), "telegram", ANNA, answered=local(23, 10, 5),
        moves=((NEW, CONTACTED, local(23, 11)), (CONTACTED, PROPOSAL, local(24, 12)),
               (PROPOSAL, WON, local(25, 12))),
        closed=local(25, 12), amount="1000",
    )  # fmt: skip
    # 2: Mon 17:55, answered Tue 09:20: 925 min wall, 5 + 20 = 25 working min: late.
    await seed.deal(
        local(23, 17, 55), "web", ANNA, answered=local(24, 9, 20), how="first_response"
    )
    # 3: answered in 10 min, Contacted, then lost for the price.
    await seed.deal(
        local(24, 11), "phone", BAKO, answered=local(24, 11, 10),
        moves=((NEW, CONTACTED, local(24, 12)), (CONTACTED, LOST, local(26, 12))),
        closed=local(26, 12), reason="price",
    )  # fmt: skip
    # 4: Wed 03:30 local is still Tue in UTC; answered 09:14: 344 min wall, 14 working: fine.
    await seed.deal(local(25, 3, 30), "telegram", BAKO, answered=local(25, 9, 14))
    # 5: Fri 17:50, answered Mon 09:06: 3 796 min wall, 10 + 6 = 16 working: late;
    #    moved straight to Proposal (skipping Contacted).
    await seed.deal(
        local(27, 17, 50), "telegram", ANNA, answered=local(2, 9, 6, month=3),
        moves=((NEW, PROPOSAL, local(2, 9, 30, month=3)),),
    )  # fmt: skip
    # 6: Saturday, never answered: by now (Mon 13:00) 4 working hours: late.
    await seed.deal(local(28, 12), "manual", None)
    # 7: Sunday 23:30, answered in 10 min, no working time at all: fine.
    await seed.deal(local(1, 23, 30, month=3), "telegram", BAKO, answered=local(1, 23, 40, 3))
    # 8: answered in exactly 15 working minutes: not late; up to Invoice sent.
    await seed.deal(
        local(26, 9), "web", ANNA, answered=local(26, 9, 15), how="first_response",
        moves=((NEW, CONTACTED, local(26, 10)), (CONTACTED, PROPOSAL, local(26, 11)),
               (PROPOSAL, INVOICE, local(26, 14))),
    )  # fmt: skip
    # 9-11: the week before; 9 is won (500.50) and 10, 11 lost during the reported week.
    await seed.deal(
        local(18, 10), "telegram", BAKO, answered=local(18, 10, 1),
        moves=((NEW, WON, local(24, 15)),), closed=local(24, 15), amount="500.50",
    )  # fmt: skip
    await seed.deal(
        local(20, 10), "web", ANNA, answered=local(20, 10, 2),
        moves=((NEW, LOST, local(27, 10)),), closed=local(27, 10), reason="other:too far",
    )  # fmt: skip
    await seed.deal(
        local(21, 10), "telegram", ANNA, answered=local(21, 10, 3),
        moves=((NEW, LOST, local(28, 10)),), closed=local(28, 10), reason="price",
    )  # fmt: skip
    # 12: Mon 00:30 local, still Sunday in UTC: not in the reported week.
    await seed.deal(local(2, 0, 30, month=3), "telegram", ANNA, answered=local(2, 0, 40, 3))
    # Attention now: one overdue task (Anna's); Bako's are done or not due yet.
    for assignee, due, done in (
        (ANNA, local(1, 10, month=3), None),
        (BAKO, local(1, 10, month=3), local(1, 11, month=3)),
        (BAKO, local(2, 18, month=3), None),
    ):
        session.add(
            Task(
                kind="remind", deal_id=2, assignee_id=assignee, note="call back", due_at=due,
                created_at=SINCE, done_at=done, calls=0, version=1,
            )
        )  # fmt: skip
    # Payments: 600 of deal 1's 1 000 during the week, 100 of deal 9's 500.50 the week before.
    for deal_id, amount, at in ((1, "600", local(26, 10)), (9, "100", local(20, 10))):
        session.add(
            Payment(
                deal_id=deal_id, amount=Decimal(amount), method="manual", created_at=at
            )
        )  # fmt: skip
    # Contracts: deal 1's ends within 14 days; deal 9's later; deal 3's is not renewing.
    for deal_id, number, ends, status in (
        (1, "C-1", date(2026, 3, 16), "active"),
        (9, "C-9", date(2026, 3, 17), "active"),
        (3, "C-3", date(2026, 3, 5), "not_renewing"),
    ):
        session.add(
            Contract(
                deal_id=deal_id, number=number, starts_on=date(2026, 1, 1), ends_on=ends,
                status=status, created_at=SINCE, updated_at=SINCE,
            )
        )  # fmt: skip
    await session.commit()
