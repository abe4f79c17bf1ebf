"""The control API's routes for inline mode: switching it on, typing inline queries, reading
the bot's answers and choosing results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .control import Control, _body, vars_of
from .inline import inline_settings


class InlineControl:
    def __init__(self, control: Control) -> None:
        self.control = control
        self.emu = control.emu

    async def mode(self, request: web.Request) -> Any:
        """GET: inline mode's settings; POST {placeholder, feedback}: placeholder null turns
        inline mode off, a missing key leaves its setting as it is."""
        if request.method == "POST":
            body = await _body(request)
            settings = self.emu.settings
            placeholder = body.get("placeholder", settings.inline_placeholder)
            feedback = body.get("feedback")
            self.emu.set_inline(
                None if placeholder is None else str(placeholder),
                feedback=None if feedback is None else bool(feedback),
            )
        return inline_settings(self.emu)

    async def query(self, request: web.Request) -> Any:
        body = await _body(request)
        chat_id = body.get("chat_id")
        query_id = self.control.user(request).inline_query(
            str(body.get("query", "")),
            str(body.get("offset", "")),
            str(body.get("chat_type", "sender")),
            chat_id=int(chat_id) if chat_id is not None else None,
        )
        return {"query_id": query_id, "delivered": self.emu.inline_queries[query_id].delivered}

    async def answer(self, request: web.Request) -> Any:
        query_id = request.match_info["query_id"]
        record = self.emu.inline_queries.get(query_id)
        if record is None:
            raise LookupError(f"no inline query {query_id}")
        if record.answer is None:
            raise LookupError(f"inline query {query_id} is not answered")
        return vars_of(record.answer)

    async def choose(self, request: web.Request) -> Any:
        body = await _body(request)
        message = self.control.user(request).choose_inline_result(
            str(body["query_id"]), str(body["result_id"])
        )
        return None if message is None else message.view()


def add_inline_routes(app: web.Application, control: Control) -> None:
    inline = InlineControl(control)
    user = "/_emulator/users/{user_id:-?\\d+}"
    routes: list[tuple[str, str, Callable[[web.Request], Awaitable[Any]]]] = [
        ("GET", "/_emulator/inline", inline.mode),
        ("POST", "/_emulator/inline", inline.mode),
        ("POST", f"{user}/inline_query", inline.query),
        ("GET", "/_emulator/inline_queries/{query_id}", inline.answer),
        ("POST", f"{user}/choose_inline_result", inline.choose),
    ]
    for method, path, action in routes:
        app.router.add_route(method, path, control.handle(action))
