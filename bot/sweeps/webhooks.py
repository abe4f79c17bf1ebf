"""The outgoing webhooks' sweep: due posts are claimed, each posted signed, the outcomes
recorded (services/rules/webhooks.py). A post goes only to the addresses its host had when it
was looked up and checked, so a name that answers otherwise the second time cannot lead it
elsewhere; an address not on the public internet is refused unless RULE_WEBHOOKS_PRIVATE; no
redirect is followed. Neither the secret nor the body is logged."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.runtime import Running
from services.rules import webhooks
from services.rules.values import public_host
from services.rules.webhooks import SENT, Outcome, Post

SECONDS = 10.0
# For the whole of one post: the lookup, the connection and the answer.
TIMEOUT = 10.0
SIGNATURE = "X-Axin-Signature"
DELIVERY = "X-Axin-Delivery"
UNUSABLE = "not a usable address"

log = logging.getLogger(__name__)


async def post_webhooks(app: Running) -> int:
    """Post what is due; answers how many posts were tried."""
    async with app.sessions() as session:
        posts = await webhooks.claim(session, app.clock.now())
    if not posts:
        return 0
    resolver = Pinned()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver)) as http:
        outcomes = await asyncio.gather(
            *(deliver(http, resolver, post, app.settings.rule_webhooks_private) for post in posts)
        )
    async with app.sessions() as session:
        given_up = await webhooks.record(
            session, list(zip(posts, outcomes, strict=True)), app.clock.now()
        )
    for post, outcome in given_up:
        log.warning(
            "Webhook post %d of rule %s given up: %s", post.post_id, post.rule_id, outcome.error
        )
    return len(posts)


async def deliver(
    http: aiohttp.ClientSession, resolver: Pinned, post: Post, allow_private: bool
) -> Outcome:
    body = post.body.encode()
    digest = hmac.new(post.secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE: f"sha256={digest}",
        DELIVERY: str(post.post_id),
    }
    try:
        url = URL(post.url)
        async with asyncio.timeout(TIMEOUT):
            refused = await resolver.look_up(url, allow_private)
            if refused is not None:
                return Outcome(refused, final=True)
            async with http.post(url, data=body, headers=headers, allow_redirects=False) as answer:
                status = answer.status
    except ValueError:  # yarl's, or aiohttp's InvalidURL
        return Outcome(UNUSABLE, final=True)
    except TimeoutError:
        return Outcome("no answer in time")
    except socket.gaierror as error:
        return Outcome(f"lookup failed: {error.strerror}")
    except (aiohttp.ClientError, OSError) as error:
        return Outcome(f"not reached: {type(error).__name__}")
    return SENT if 200 <= status < 300 else Outcome(f"answered {status}")


class Pinned(AbstractResolver):
    """Hands aiohttp only the addresses `look_up` found and checked for a host."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, int], list[ResolveResult]] = {}

    async def look_up(self, url: URL, allow_private: bool) -> str | None:
        """Find the addresses of the URL's host; answers why they are refused, if they are."""
        host, port = url.raw_host, url.port
        if not host or port is None or url.scheme not in ("http", "https"):
            return UNUSABLE
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        found = [
            ResolveResult(
                hostname=host,
                host=str(address[0]),
                port=port,
                family=family,
                proto=proto,
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
            for family, _, proto, _, address in infos
            if family in (socket.AF_INET, socket.AF_INET6)
        ]
        if not allow_private:
            for result in found:
                if not public_host(result["host"]):
                    return f"refused: {result['host']} is not a public address"
        self._found[host, port] = found
        return None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = self._found.get((host, port), [])
        chosen = [r for r in found if family == socket.AF_UNSPEC or r["family"] == family]
        if not chosen:
            raise OSError(f"{host} was not looked up")
        return chosen

    async def close(self) -> None:
        self._found.clear()
