"""The side panel's outside world: a phone system and a website form, calling the bot's own
HTTP API with a token the sandbox made for itself, exactly as real ones would."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import App
from bot.http.server import create_http_app
from sandbox.net import bind, url_of
from services import api_tokens

TOKEN_NAME = "sandbox"


class HttpWorld:
    def __init__(self, base_url: str, token: str, client: aiohttp.ClientSession) -> None:
        self.features = {"calls": True, "leads": True}
        self.base_url = base_url
        self.token = token
        self.client = client

    async def missed_call(self, phone: str) -> dict[str, Any]:
        body = {"phone": phone, "status": "missed", "direction": "in", "external_id": _id("call")}
        return await self._post("calls", body)

    async def lead(self, name: str, phone: str, message: str) -> dict[str, Any]:
        body = {"name": name, "message": message, "source": TOKEN_NAME, "external_id": _id("lead")}
        if phone:
            body["phone"] = phone
        return await self._post("leads", body)

    async def _post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        path = f"/api/v1/{endpoint}"
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.client.post(self.base_url + path, json=body, headers=headers) as response:
            answer = await response.json()
            status = response.status
        if status >= 400:
            raise ValueError(f"POST {path} → {status}: {answer.get('message', answer)}")
        return {
            "status": status,
            "request": body,
            "response": answer,
            "summary": f"POST {path} → {status} {json.dumps(answer)}",
        }


def _id(kind: str) -> str:
    return f"sandbox-{kind}-{uuid.uuid4().hex}"


@asynccontextmanager
async def start_world(app: App) -> AsyncIterator[HttpWorld]:
    """The HTTP API on a loopback port of its own, as HTTP_HOST:HTTP_PORT serves it live."""
    async with app.sessions() as session:
        token = await api_tokens.create(session, None, TOKEN_NAME, app.clock.now())
    runner = web.AppRunner(create_http_app(app), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    sock = bind("127.0.0.1", 0)
    try:
        await web.SockSite(runner, sock).start()
        async with aiohttp.ClientSession() as client:
            yield HttpWorld(url_of(sock), token.secret, client)
    finally:
        await runner.cleanup()
        sock.close()
