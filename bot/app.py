"""Composition root: settings → engine → bot → dispatcher → outbox sender, built on demand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import migrate
from bot.fsm.committed import CommittedStorage
from bot.fsm.database import DatabaseStorage
from bot.i18n import ActorI18nMiddleware, create_i18n
from bot.logs import DealOfPress
from bot.metrics import Metrics
from bot.middlewares import (
    ActorMiddleware,
    DatabaseMiddleware,
    DomainErrorMiddleware,
    PrivateChatsOnly,
    PromptCallbackAnswer,
    ReleaseDatabaseMiddleware,
)
from bot.sender.budget import BudgetMiddleware, SendBudget
from bot.sender.sender import OutboxSender
from bot.sender.shared_budget import SharedBudget
from bot.sender.wake import SharedWake
from bot.settings import Settings, working_hours_of
from bot.updates.inbox import UpdateInbox
from bot.updates.webhook import register_webhook
from bot.workers import worker_name
from handlers import get_routers
from presentation import commands
from services import users
from services.access import locale_of
from services.clock import Clock, SystemClock
from services.company import session_info
from services.customer_writes import customer_writes
from services.db.engine import create_engine, session_factory
from services.db.users import User

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    i18n: I18n
    bot: Bot
    dispatcher: Dispatcher
    budget: SendBudget
    sender: OutboxSender
    inbox: UpdateInbox
    # This process among several: what its claims and leases are held by.
    worker: str
    metrics: Metrics
    # With REDIS_URL, where several processes share the bot: the conversation state, the send
    # budget and the senders' wake-ups, which /healthz asks too.
    redis: Redis | None
    shared_wake: SharedWake | None


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    if session is None:
        proxy = settings.telegram_proxy
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(settings.telegram_api_url),
            proxy=proxy.get_secret_value() if proxy else None,
        )
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML"),
    )


def create_redis(settings: Settings) -> Redis | None:
    return Redis.from_url(settings.redis_url) if settings.redis_url else None


def create_storage(
    redis: Redis | None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> BaseStorage:
    if redis is not None:
        from aiogram.fsm.storage.redis import RedisStorage

        return CommittedStorage(RedisStorage(redis))
    return DatabaseStorage(sessions, clock)


def create_dispatcher(
    settings: Settings,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
    i18n: I18n,
    sender: OutboxSender,
    redis: Redis | None,
) -> Dispatcher:
    dispatcher = Dispatcher(
        storage=create_storage(redis, sessions, clock),
        settings=settings,
        clock=clock,
        writes=customer_writes(sessions, clock, working_hours_of(settings)),
    )
    dispatcher.update.outer_middleware(PrivateChatsOnly())
    dispatcher.update.outer_middleware(ActorMiddleware(settings, clock, sessions))
    ActorI18nMiddleware(i18n).setup(dispatcher)
    dispatcher.callback_query.middleware(DealOfPress())
    database = DatabaseMiddleware(sessions, sender.wake)
    dispatcher.message.middleware(database)
    dispatcher.message.middleware(DomainErrorMiddleware())
    # A button press is answered within its update's session, as every Bot API call is.
    dispatcher.callback_query.middleware(database)
    dispatcher.callback_query.middleware(PromptCallbackAnswer())
    dispatcher.callback_query.middleware(DomainErrorMiddleware())
    dispatcher.inline_query.middleware(database)
    # A refusal before payment is answered by its handler (Telegram waits for ok or not).
    dispatcher.pre_checkout_query.middleware(database)
    dispatcher.include_routers(*get_routers())
    return dispatcher


def build_app(
    settings: Settings,
    clock: Clock | None = None,
    session: BaseSession | None = None,
    budget: SendBudget | None = None,
) -> App:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine, session_info(working_hours_of(settings), settings.currency))
    i18n = create_i18n(settings.default_locale)
    bot = create_bot(settings, session)
    metrics = Metrics()
    redis = create_redis(settings)
    if budget is None:
        shared = partial(SharedBudget, redis, bot.id) if redis is not None else None
        budget = SendBudget(settings.send_rate_global, settings.send_rate_per_chat, shared)
    # In this order: no database connection is held while a send waits for the budget.
    bot.session.middleware(ReleaseDatabaseMiddleware())
    bot.session.middleware(BudgetMiddleware(budget, metrics))
    worker = worker_name()
    sender = OutboxSender(bot, engine, sessions, clock, settings, i18n, budget, worker, metrics)
    shared_wake = SharedWake(redis, bot.id) if redis is not None else None
    sender.announce = shared_wake
    dispatcher = create_dispatcher(settings, clock, sessions, i18n, sender, redis)
    updates = UpdateInbox(dispatcher, bot, sessions, clock, settings.inbox_lease, worker, metrics)
    return App(
        settings,
        clock,
        engine,
        sessions,
        i18n,
        bot,
        dispatcher,
        budget,
        sender,
        updates,
        worker,
        metrics,
        redis,
        shared_wake,
    )


async def close(app: App) -> None:
    """Let go of the connections the app holds."""
    await app.bot.session.close()
    await app.dispatcher.storage.close()
    if app.redis is not None:
        await app.redis.aclose()
    await app.engine.dispose()


async def prepare(app: App) -> None:
    """What one process needs before it serves: the schema, the owners, the bot's menus."""
    await prepare_data(app)
    await set_up_bot(app)


async def prepare_data(app: App) -> None:
    """The schema up to date (under a lock, for processes starting together) and the owners
    known."""
    await migrate.upgrade(app.engine)
    async with app.sessions() as session:
        await users.ensure_owners(session, app.settings.owner_ids, app.clock.now())


async def set_up_bot(app: App) -> None:
    """Command menus for every role; in webhook mode, the webhook."""
    async with app.sessions() as session:
        staff = await users.staff(session)
    await commands.set_default(app.bot, app.i18n)
    for user in staff:
        await _menu_for(app, user)
    settings = app.settings
    if settings.webhook_url and settings.webhook_secret:
        allowed = app.dispatcher.resolve_used_update_types()
        await register_webhook(app.bot, settings.webhook_url, settings.webhook_secret, allowed)


async def _menu_for(app: App, user: User) -> None:
    locale = locale_of(user, app.settings.default_locale)
    try:
        await commands.set_for_chat(app.bot, app.i18n, user.tg_id, user.role, locale)
    except Exception as error:  # an owner who never opened the bot has no chat yet
        log.warning("command menu for %s not set: %s", user.tg_id, error)
