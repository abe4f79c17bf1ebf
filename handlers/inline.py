"""Inline mode: staff find products as they type `@bot …`; everyone else gets nothing."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import InlineQuery

from bot.settings import Settings
from handlers.readers import reader_of
from presentation.inline import for_deal, result
from services import catalog, items
from services.access import Actor
from services.catalog import ProductView
from services.clock import Clock
from services.db.session import AsyncSession
from services.errors import DomainError

# Answers depend on who asks (their language, their requests): Telegram must not share them.
CACHE_SECONDS = 5
MAX_OFFSET = 100_000


async def products(
    query: InlineQuery, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    deal_id, words = for_deal(query.query)
    found: list[ProductView] = []
    more = None
    version = 0
    if actor.is_staff:
        if deal_id is not None:
            try:
                version = await items.open_version(session, actor, deal_id) or 0
            except DomainError:
                version = 0
            if not version:
                deal_id = None
        # The offset is ours (next_offset), but a client may send anything.
        digits = query.offset.isdigit() and len(query.offset) <= len(str(MAX_OFFSET))
        offset = min(int(query.offset), MAX_OFFSET) if digits else 0
        found, more = await catalog.search(session, actor, words, offset)
    reader = reader_of(settings, actor, clock.now())
    await query.answer(
        [result(p, reader, deal_id, version) for p in found],
        cache_time=CACHE_SECONDS,
        is_personal=True,
        next_offset=str(more) if more is not None else "",
    )


def router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(products)
    return router
