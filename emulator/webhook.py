"""Webhook delivery as Telegram does it: while a webhook is set, updates are POSTed to it, up to
its max_connections at once, and one not answered with 2xx is sent again after a short pause,
until it is taken or has been kept a day (then it is dropped, as Telegram drops it). Updates
about one chat go one at a time, in order."""

from __future__ import annotations

import asyncio
import math
import ssl
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .events import Changes
from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY, LAST_RETRY = 0.05, 1.0
# Telegram gives a webhook about a minute to answer.
ANSWER_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None
    has_custom_certificate: bool


class WebhookDelivery:
    """The webhook the bot set, the task pushing updates to it and the last delivery error.

    The emulator never reaches the internet: a webhook's host is delivered to only when routed
    to a local address with route(), standing in for DNS and, unless the local address is
    https://, for a TLS-terminating reverse proxy."""

    def __init__(
        self, updates: UpdateQueue, changes: Changes, wall_clock: Callable[[], float]
    ) -> None:
        self._updates = updates
        self._changes = changes
        self._wall_clock = wall_clock
        self._routes: dict[str, tuple[str, ssl.SSLContext | None]] = {}
        self._task: asyncio.Task[None] | None = None
        self.webhook: Webhook | None = None
        self.last_error: tuple[int, str] | None = None

    def route(
        self, public_origin: str, local_origin: str, trust: ssl.SSLContext | None = None
    ) -> None:
        """Deliver to local_origin (http://127.0.0.1:8080) what is meant for public_origin
        (https://crm.example.com), keeping the path. An https:// local origin (a proxy of
        one's own) is verified with `trust`, else with the system's certificate authorities,
        as Telegram verifies a webhook's certificate."""
        self._routes[_origin(public_origin)] = (local_origin.rstrip("/"), trust)

    def set(self, webhook: Webhook) -> None:
        self.webhook = webhook
        self.last_error = None
        self.resume()

    def delete(self) -> None:
        self.webhook = None
        self.stop()

    def resume(self) -> None:
        self.stop()
        if self.webhook is not None:
            self._task = asyncio.get_running_loop().create_task(self._push(self.webhook))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _target(self, url: str) -> tuple[str, ssl.SSLContext | None] | None:
        parts = urlsplit(url)
        route = self._routes.get(_origin(url))
        if route is None:
            return None
        local, trust = route
        query = f"?{parts.query}" if parts.query else ""
        return f"{local}{parts.path}{query}", trust

    async def _push(self, webhook: Webhook) -> None:
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        timeout = aiohttp.ClientTimeout(total=ANSWER_TIMEOUT)
        going: dict[int, asyncio.Task[None]] = {}
        busy: set[Hashable] = set()

        def startable() -> list[tuple[dict[str, Any], Hashable]] | None:
            """The updates that may go now, each with what it is about."""
            ready: list[tuple[dict[str, Any], Hashable]] = []
            held = set(busy)
            for update in self._updates.available():
                if len(going) + len(ready) >= webhook.max_connections:
                    break
                chat = _chat_of(update)
                if chat not in held:  # one on its way holds its chat
                    ready.append((update, chat))
                # A later update about a chat waits for every earlier one about it.
                held.add(chat)
            return ready or None

        def finished(update_id: int, chat: Hashable) -> Callable[[asyncio.Task[None]], None]:
            def done(_: asyncio.Task[None]) -> None:
                going.pop(update_id, None)
                busy.discard(chat)
                self._changes.notify()

            return done

        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as client:
            try:
                while True:
                    for update, chat in await self._changes.until(startable, math.inf):
                        update_id = update["update_id"]
                        busy.add(chat)
                        task = asyncio.create_task(self._deliver(client, webhook.url, update))
                        task.add_done_callback(finished(update_id, chat))
                        going[update_id] = task
            finally:
                for task in going.values():
                    task.cancel()
                await asyncio.gather(*going.values(), return_exceptions=True)

    async def _deliver(
        self, client: aiohttp.ClientSession, url: str, update: dict[str, Any]
    ) -> None:
        update_id = update["update_id"]
        delay = FIRST_RETRY
        while not await self._post(client, url, update):
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY)
            if not self._updates.holds(update_id):
                return  # kept a day without being taken: dropped
        self._updates.take(update_id)
        self._changes.notify()

    async def _post(self, client: aiohttp.ClientSession, url: str, update: dict[str, Any]) -> bool:
        target = self._target(url)
        if target is None:
            error = "Failed to resolve host: Name or service not known"
        else:
            local, trust = target
            try:
                async with client.post(local, json=update, ssl=trust or True) as response:
                    if 200 <= response.status < 300:
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except TimeoutError:
                error = "Read timeout expired"
            except aiohttp.ClientConnectorCertificateError:
                error = "SSL error {error:0A000086:SSL routines::certificate verify failed}"
            except aiohttp.ClientConnectorError:
                error = "Connection refused"
            except aiohttp.ClientError:
                error = "Connection reset by peer"
        self.last_error = (int(self._wall_clock()), error)
        self._changes.notify()
        return False


def _chat_of(update: dict[str, Any]) -> Hashable:
    """What an update is about, for keeping its order: the chat, else the user; an update
    about neither goes on its own."""
    payload = next(value for key, value in update.items() if key != "update_id")
    if isinstance(payload, dict):
        message = payload.get("message")
        chat = payload.get("chat") or (message.get("chat") if isinstance(message, dict) else None)
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        sender = payload.get("from") or payload.get("user")
        if isinstance(sender, dict) and "id" in sender:
            return ("user", sender["id"])
    return ("update", update["update_id"])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"
