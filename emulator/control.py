"""JSON control API under /_emulator/ for a browser sandbox: act as users, observe the bot."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import BodyPartReader, web

from .core import Emulator
from .errors import EmulatorUsageError
from .inline import inline_settings
from .models import Limits
from .payments import outcome_view
from .users import EmulatedUser

Handler = Callable[[web.Request], Awaitable[web.Response]]
_dumps = partial(json.dumps, ensure_ascii=False, default=repr)
_USER_FIELDS = ("first_name", "last_name", "username", "language_code", "phone_number")


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _fail(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status, dumps=_dumps)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    if request.content_type == "multipart/form-data":
        body: dict[str, Any] = {}
        async for part in await request.multipart():
            if isinstance(part, BodyPartReader) and part.name:
                if part.filename is not None:
                    body["data"] = bytes(await part.read(decode=True))
                    body.setdefault("filename", part.filename)
                    body.setdefault("mime_type", part.headers.get("Content-Type"))
                else:
                    body[part.name] = await part.text()
        return body
    try:
        data = await request.json()
    except ValueError:
        raise EmulatorUsageError("request body must be JSON") from None
    if not isinstance(data, dict):
        raise EmulatorUsageError("request body must be a JSON object")
    return data


def _file(body: dict[str, Any]) -> bytes:
    if isinstance(body.get("data"), bytes):
        return bytes(body["data"])
    try:
        return base64.b64decode(str(body["data_base64"]), validate=True)
    except (KeyError, binascii.Error):
        raise EmulatorUsageError("send a multipart 'file' part or 'data_base64'") from None


class Control:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def handle(self, action: Callable[[web.Request], Awaitable[Any]]) -> Handler:
        async def wrapped(request: web.Request) -> web.Response:
            try:
                return _ok(await action(request))
            except EmulatorUsageError as error:
                return _fail(400, str(error))
            except LookupError as error:
                return _fail(404, str(error))
            except (TypeError, ValueError) as error:
                return _fail(400, f"invalid request: {error}")

        return wrapped

    def user(self, request: web.Request) -> EmulatedUser:
        user_id = int(request.match_info["user_id"])
        if user_id not in self.emu.users:
            raise LookupError(f"unknown user {user_id}")
        return self.emu.user(user_id)

    async def state(self, request: web.Request) -> Any:
        return {
            "bot": self.emu.bot_user(),
            "limits": vars_of(self.emu.limits),
            "latency": self.emu.latency,
            "privacy_mode": self.emu.privacy_mode,
            "inline": inline_settings(self.emu),
            "users": [
                {"user": u.to_user(), "blocked": u.blocked, "started": u.started}
                for u in self.emu.users.values()
            ],
            "pending_updates": len(self.emu.updates.pending),
        }

    async def create_user(self, request: web.Request) -> Any:
        body = await _body(request)
        fields = {key: body[key] for key in _USER_FIELDS if body.get(key) is not None}
        return self.emu.user_record(int(body["id"]), **fields).to_user()

    async def messages(self, request: web.Request) -> Any:
        return [message.view() for message in self.user(request).messages()]

    async def keyboard(self, request: web.Request) -> Any:
        return self.user(request).reply_keyboard

    async def text(self, request: web.Request) -> Any:
        body = await _body(request)
        reply_to = body.get("reply_to_message_id")
        message = self.user(request).send_text(
            str(body["text"]), reply_to=int(reply_to) if reply_to is not None else None
        )
        return message.view()

    async def start(self, request: web.Request) -> Any:
        body = await _body(request)
        payload = body.get("payload")
        return self.user(request).start(str(payload) if payload else None).view()

    async def photo(self, request: web.Request) -> Any:
        body = await _body(request)
        message = self.user(request).send_photo(
            _file(body),
            filename=str(body.get("filename") or "photo.jpg"),
            mime_type=str(body.get("mime_type") or "image/jpeg"),
            caption=body.get("caption"),
        )
        return message.view()

    async def document(self, request: web.Request) -> Any:
        body = await _body(request)
        message = self.user(request).send_document(
            _file(body),
            filename=str(body.get("filename") or "file.bin"),
            mime_type=str(body.get("mime_type") or "application/octet-stream"),
            caption=body.get("caption"),
        )
        return message.view()

    async def contact(self, request: web.Request) -> Any:
        """The user's own contact; with a `first_name`, one from their phone book."""
        body = await _body(request)
        user = self.user(request)
        if body.get("first_name"):
            owner = body.get("user_id")
            return user.share_phone_book_contact(
                str(body.get("phone_number") or ""),
                str(body["first_name"]),
                last_name=body.get("last_name"),
                user_id=int(owner) if owner is not None else None,
            ).view()
        return user.share_contact(body.get("phone_number")).view()

    async def forward(self, request: web.Request) -> Any:
        body = await _body(request)
        message = self.user(request).forward_text(
            str(body["text"]), int(body["from_user_id"]), hidden=bool(body.get("hidden"))
        )
        return message.view()

    async def edit(self, request: web.Request) -> Any:
        body = await _body(request)
        return self.user(request).edit_text(int(body["message_id"]), str(body["text"])).view()

    async def press(self, request: web.Request) -> Any:
        body = await _body(request)
        message_id = body.get("message_id")
        answer = await self.user(request).press(
            str(body["button"]),
            message_id=int(message_id) if message_id is not None else None,
            timeout=float(body.get("timeout", 5.0)),
        )
        return None if answer is None else vars_of(answer)

    async def reply_button(self, request: web.Request) -> Any:
        body = await _body(request)
        return self.user(request).press_reply_button(str(body["text"])).view()

    async def pay(self, request: web.Request) -> Any:
        """The user pays the invoice of a message: {message_id, order_info, tip_amount}."""
        body = await _body(request)
        if body.get("message_id") is None:
            raise EmulatorUsageError("message_id is required")
        order_info = body.get("order_info")
        if order_info is not None and not isinstance(order_info, dict):
            raise EmulatorUsageError("order_info must be a JSON object")
        query_id = self.user(request).pay(
            int(body["message_id"]),
            order_info=order_info,
            tip_amount=int(body.get("tip_amount", 0)),
        )
        return {"query_id": query_id}

    async def pre_checkout(self, request: web.Request) -> Any:
        """The bot's answer to a payment (404 while there is none)."""
        query_id = request.match_info["query_id"]
        record = self.emu.pre_checkout_queries.get(query_id)
        if record is None:
            raise LookupError(f"no pre-checkout query {query_id}")
        if record.outcome is None:
            raise LookupError(f"pre-checkout query {query_id} is not answered")
        return outcome_view(record.outcome)

    async def block(self, request: web.Request) -> Any:
        self.user(request).block()
        return True

    async def unblock(self, request: web.Request) -> Any:
        self.user(request).unblock()
        return True

    async def uneditable(self, request: web.Request) -> Any:
        info = request.match_info
        self.emu.make_uneditable(int(info["chat_id"]), int(info["message_id"]))
        return True

    async def requests(self, request: web.Request) -> Any:
        since = int(request.query.get("since", "0"))
        return [vars_of(record) for record in self.emu.requests[since:]]

    async def rate_limited(self, request: web.Request) -> Any:
        return [vars_of(record) for record in self.emu.rate_limited]

    async def limits(self, request: web.Request) -> Any:
        if request.method == "POST":
            body = await _body(request)
            current = self.emu.limits
            wanted = Limits(
                enabled=bool(body.get("enabled", current.enabled)),
                per_chat_per_second=int(
                    body.get("per_chat_per_second", current.per_chat_per_second)
                ),
                global_per_second=int(body.get("global_per_second", current.global_per_second)),
            )
            for name in wanted.__slots__:
                setattr(current, name, getattr(wanted, name))
        return vars_of(self.emu.limits)

    async def latency(self, request: web.Request) -> Any:
        """The network's round trip for Bot API calls, in seconds; the control API has none."""
        if request.method == "POST":
            body = await _body(request)
            self.emu.latency = float(body.get("latency", self.emu.latency))
        return {"latency": self.emu.latency}

    async def commands(self, request: web.Request) -> Any:
        scope = request.query.get("scope")
        return self.emu.commands(
            json.loads(scope) if scope else None, request.query.get("language_code", "")
        )

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: each change as JSON; ?since=N replays history after seq N."""
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        subscription = self.emu.bus.subscribe()
        since = request.query.get("since")
        backlog = self.emu.bus.history[int(since) :] if since else []
        last = backlog[-1].seq if backlog else (int(since) if since else 0)
        try:
            for event in backlog:
                await response.write(_sse(event.seq, event.to_json()))
            async for event in subscription:
                if event.seq > last:
                    await response.write(_sse(event.seq, event.to_json()))
        except ConnectionResetError:
            pass
        finally:
            subscription.close()
        return response


def _sse(seq: int, data: dict[str, Any]) -> bytes:
    return f"id: {seq}\ndata: {_dumps(data)}\n\n".encode()


def vars_of(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}


def add_control_routes(app: web.Application, emulator: Emulator) -> Control:
    control = Control(emulator)
    user = "/_emulator/users/{user_id:-?\\d+}"
    routes: list[tuple[str, str, Callable[[web.Request], Awaitable[Any]]]] = [
        ("GET", "/_emulator/state", control.state),
        ("POST", "/_emulator/users", control.create_user),
        ("GET", f"{user}/messages", control.messages),
        ("GET", f"{user}/keyboard", control.keyboard),
        ("POST", f"{user}/text", control.text),
        ("POST", f"{user}/start", control.start),
        ("POST", f"{user}/photo", control.photo),
        ("POST", f"{user}/document", control.document),
        ("POST", f"{user}/contact", control.contact),
        ("POST", f"{user}/forward", control.forward),
        ("POST", f"{user}/edit", control.edit),
        ("POST", f"{user}/press", control.press),
        ("POST", f"{user}/reply_button", control.reply_button),
        ("POST", f"{user}/pay", control.pay),
        ("GET", "/_emulator/pre_checkout_queries/{query_id}", control.pre_checkout),
        ("POST", f"{user}/block", control.block),
        ("POST", f"{user}/unblock", control.unblock),
        (
            "POST",
            "/_emulator/chats/{chat_id:-?\\d+}/messages/{message_id:\\d+}/uneditable",
            control.uneditable,
        ),
        ("GET", "/_emulator/requests", control.requests),
        ("GET", "/_emulator/rate_limited", control.rate_limited),
        ("GET", "/_emulator/limits", control.limits),
        ("POST", "/_emulator/limits", control.limits),
        ("GET", "/_emulator/latency", control.latency),
        ("POST", "/_emulator/latency", control.latency),
        ("GET", "/_emulator/commands", control.commands),
    ]
    for method, path, action in routes:
        app.router.add_route(method, path, control.handle(action))
    app.router.add_get("/_emulator/events", control.events)
    return control
