"""`--demo`: a small furniture business, made through the same services the bot uses."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sandbox.demo_data import (
    CATEGORIES,
    COMPANY,
    CONTRACT,
    DEALS,
    LOST,
    MANAGERS,
    NEW,
    OWNER,
    PRODUCTS,
    ROOM,
    TASKS,
    VAT_RATE,
    DemoDeal,
)
from sandbox.people import FIRST_CUSTOMER_ID, FIRST_MANAGER_ID, OWNER_ID, Person
from services import (
    company_details,
    contracts,
    conversation,
    customers,
    formulas,
    intake,
    invites,
    items,
    payments_telegram,
    pipeline,
    tasks,
    users,
)
from services.access import Actor, actor_of
from services.catalog import search_text
from services.content import Content
from services.db.catalog import Category, MeasureSet, Product
from services.db.deals import Deal
from services.db.users import User
from services.moments import local_today

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox


class _Step(StrEnum):
    TAKE = "take"
    REPLY = "reply"
    AMOUNT = "amount"
    ITEM = "item"
    NEXT = "next"
    LOSE = "lose"


async def load(sandbox: Sandbox) -> None:
    """Owner, managers and customers with deals in every stage, reminders, a contract, a
    small catalog, the company's details for its documents and payments in Telegram; all of
    them opened the bot before."""
    roster, sessions = sandbox.roster, sandbox.app.sessions
    now = sandbox.clock.now()
    default = sandbox.app.settings.default_locale
    owner = roster.add(OWNER_ID, *OWNER)
    async with sessions() as session:
        await users.ensure_owners(session, [OWNER_ID], now - timedelta(days=30))
        owner_actor = await _actor(session, roster.people[OWNER_ID], now, default)
        await _catalog(session, now - timedelta(days=30))
        await _company(session, owner_actor, sandbox.emulator.payment_provider_token, now)
    opened = [owner]
    joined = now - timedelta(days=20)
    for offset, (first, language, last) in enumerate(MANAGERS):
        tg_id = FIRST_MANAGER_ID + offset
        opened.append(roster.add(tg_id, first, language, last))
        async with sessions() as session:
            actor = await _actor(session, roster.people[tg_id], joined, default)
            token, _ = await invites.create_invite(
                session, owner_actor, joined, timedelta(hours=1)
            )
            await invites.accept_invite(session, actor, token, joined)
    deal_ids = []
    for offset, plan in enumerate(DEALS):
        tg_id = FIRST_CUSTOMER_ID + offset
        opened.append(roster.add(tg_id, plan.first_name, plan.language, plan.last_name))
        deal_ids.append(await _deal(sandbox, roster.people[tg_id], plan, now))
    for index, due_in, note in TASKS:
        async with sessions() as session:
            actor = await _manager(session, deal_ids[index], default)
            task = await tasks.remind(session, actor, deal_ids[index], now + due_in, now)
            await tasks.set_note(session, actor, task.task_id, note)
    index, number, left = CONTRACT
    today = local_today(now, sandbox.app.settings.zone)
    async with sessions() as session:
        actor = await _manager(session, deal_ids[index], default)
        ends = today + left
        starts = ends - timedelta(days=364)
        await contracts.set_contract(session, actor, deal_ids[index], number, starts, ends, now)
    # Their /start, answered once the bot runs, shows each chat's menu.
    for handle in opened:
        handle.start()


async def _catalog(session: AsyncSession, now: datetime) -> None:
    """Categories, a room's measurements and products, as the owner's /catalog leaves them."""
    categories = [Category(names=dict(names), position=n) for n, names in enumerate(CATEGORIES)]
    set_names, inputs = ROOM
    room = MeasureSet(
        names=dict(set_names),
        inputs=[{"key": key, "names": dict(names), "unit": "m"} for key, names in inputs],
    )
    session.add_all([*categories, room])
    await session.flush()
    keys = [key for key, _ in inputs]
    for plan in PRODUCTS:
        formula = formulas.check(plan.formula, keys) if plan.formula else None
        session.add(
            Product(
                code=plan.code,
                names=dict(plan.names),
                search=search_text(plan.names, plan.code),
                category_id=categories[plan.category].id,
                unit=plan.unit,
                price=Decimal(plan.price),
                vat_rate=Decimal(VAT_RATE),
                active=True,
                measure_set_id=room.id if formula else None,
                formula=formula,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    await session.commit()


async def _company(session: AsyncSession, owner: Actor, token: str, now: datetime) -> None:
    """What the owner's /company sets: the details documents print, in every language, and
    the payment provider token (the emulator's), so an invoice sent comes with Pay."""
    for name, by_locale in COMPANY.items():
        for locale, text in by_locale.items():
            await company_details.set_detail(session, owner, locale, name, text, now)
    await payments_telegram.set_provider_token(session, owner, token, now)


async def _actor(session: AsyncSession, person: Person, now: datetime, default: str) -> Actor:
    profile = users.TelegramProfile(
        person.tg_id, person.first_name, person.last_name, None, person.language
    )
    user = await users.sync_user(session, profile, [OWNER_ID], now)
    await session.commit()
    return actor_of(user, default)


async def _manager(session: AsyncSession, deal_id: int, default: str) -> Actor:
    deal = await session.get_one(Deal, deal_id)
    return actor_of(await session.get_one(User, deal.manager_id), default)


async def _deal(sandbox: Sandbox, person: Person, plan: DemoDeal, now: datetime) -> int:
    sessions, default = sandbox.app.sessions, sandbox.app.settings.default_locale
    created = now - plan.age
    async with sessions() as session:
        customer = await _actor(session, person, created, default)
        # Each demo customer shared the contact of their own account.
        await customers.save_phone(session, customer.user_id, person.phone, created)
        submitted = await intake.submit_request(
            session, customer, Content(plan.request), person.phone, created
        )
    deal_id = submitted.deal_id
    steps = [_Step.TAKE] if plan.stage != NEW else []
    steps += [_Step.REPLY] if plan.reply else []
    steps += [_Step.AMOUNT] if plan.amount else []
    steps += [_Step.ITEM] * len(plan.items)
    # A lost deal was contacted first; the others walk to their stage with Next.
    steps += [_Step.NEXT] * (1 if plan.stage == LOST else plan.stage)
    steps += [_Step.LOSE] if plan.stage == LOST else []
    added = iter(plan.items)
    for index, step in enumerate(steps, start=1):
        # Spread over the deal's life, so ages, histories and reports look lived in.
        moment = created + plan.age * index / (len(steps) + 1)
        async with sessions() as session:
            actor = await _manager(session, deal_id, default)
            deal = await session.get_one(Deal, deal_id)
            if step == _Step.ITEM:
                await _item(session, actor, deal, *next(added), moment)
            else:
                await _act(session, actor, deal, step, plan, moment)
    return deal_id


async def _item(
    session: AsyncSession, actor: Actor, deal: Deal, code: str, quantity: str, when: datetime
) -> None:
    """A catalog product on the request, as 🛒 Items adds it: the amount becomes the total."""
    product = (await session.scalars(select(Product).where(Product.code == code))).one()
    await items.add(session, actor, deal.id, deal.version, product.id, quantity, when)


async def _act(
    session: AsyncSession, actor: Actor, deal: Deal, step: _Step, plan: DemoDeal, when: datetime
) -> None:
    if step == _Step.TAKE:
        await conversation.take(session, actor, deal.id, when)
    elif step == _Step.REPLY:
        await conversation.staff_replies(session, actor, deal.id, Content(plan.reply), when)
    elif step == _Step.AMOUNT:
        await pipeline.set_amount(session, actor, deal.id, deal.version, plan.amount, when)
    elif step == _Step.NEXT:
        await pipeline.move(session, actor, deal.id, deal.version, None, when)
    else:
        await pipeline.lose(session, actor, deal.id, deal.version, "price", when)
