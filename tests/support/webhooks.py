"""Outgoing webhooks made the way an owner makes them: a rule that posts each new request,
saved by the owner, then a customer's request that triggers it; and a local receiver that
answers as it is told and keeps what it was sent."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.access import actor_of
from services.content import Content
from services.db.rules import Rule, WebhookPost
from services.db.users import User
from services.intake import submit_request
from services.rules import manage
from services.users import ensure_owners
from tests.support.harness import OWNER_ID

RULE_NAME = "Tell the warehouse"


async def webhook_rule(session: AsyncSession, url: str, now: datetime, hooks: int = 1) -> Rule:
    """The owner's rule posting each new request to `url` (`hooks` times, each with its own
    key), saved with private addresses allowed: the receivers of tests are on 127.0.0.1."""
    await ensure_owners(session, [OWNER_ID], now)
    owner = await session.scalar(select(User).where(User.tg_id == OWNER_ID))
    assert owner is not None
    rule = {
        "name": RULE_NAME,
        "when": {"event": "created"},
        "then": [{"do": "webhook", "url": url}] * hooks,
    }
    made = await manage.create(session, actor_of(owner, "en"), rule, now, allow_private_urls=True)
    return await session.get_one(Rule, made.rule_id)


async def customer_request(
    session: AsyncSession, now: datetime, tg_id: int = 100, text: str = "Need 20 chairs"
) -> int:
    customer = User(tg_id=tg_id, role="customer", first_name=f"C{tg_id}", created_at=now)
    session.add(customer)
    await session.commit()
    submitted = await submit_request(session, actor_of(customer, "en"), Content(text), None, now)
    return submitted.deal_id


async def posts(session: AsyncSession) -> list[WebhookPost]:
    query = select(WebhookPost).order_by(WebhookPost.id)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


def signed(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Received:
    headers: CIMultiDict[str]
    body: bytes


@dataclass
class Receiver:
    """Answers each post with the next of `statuses`, the last one from then on; a 3xx points
    to /elsewhere, which counts what reaches it."""

    statuses: list[int]
    url: str = ""
    received: list[Received] = field(default_factory=list)
    elsewhere: int = 0

    async def hook(self, request: web.Request) -> web.Response:
        self.received.append(Received(CIMultiDict(request.headers), await request.read()))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if 300 <= status < 400:
            return web.Response(status=status, headers={"Location": "/elsewhere"})
        return web.Response(status=status)

    async def redirected(self, _request: web.Request) -> web.Response:
        self.elsewhere += 1
        return web.Response()


@asynccontextmanager
async def receiver(*statuses: int, host: str = "127.0.0.1") -> AsyncIterator[Receiver]:
    """A receiver on 127.0.0.1; `url` names it through `host` (an address or a name)."""
    receiving = Receiver(list(statuses))
    app = web.Application()
    app.router.add_post("/hook", receiving.hook)
    app.router.add_route("*", "/elsewhere", receiving.redirected)
    async with TestServer(app, host="127.0.0.1") as server:
        receiving.url = f"http://{host}:{server.port}/hook"
        yield receiving
