"""The bot's connection to the Bot API: each call without files goes as one JSON body.

aiogram sends every call as a urlencoded form: each nested object (a card's keyboard) is first
dumped with all its empty fields, walked in Python and turned into a JSON string, then the
whole form is percent-quoted byte by byte. A card took about four times as long to send as to
render. Telegram takes the same parameters as a JSON object; calls that upload a file still
go as a multipart form."""

from __future__ import annotations

import ssl
from http import HTTPStatus
from typing import Any, cast

import certifi
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile, Message
from pydantic import ValidationError
from yarl import URL

from bot.api_transport import Origin, Transport


class JsonSession(AiohttpSession):
    def __init__(
        self, *, limit: int = 100, tls: ssl.SSLContext | None = None, **kwargs: Any
    ) -> None:
        if kwargs.get("proxy") is not None:
            raise ValueError("the bot's own connections to the Bot API do not go through a proxy")
        super().__init__(limit=limit, **kwargs)
        self._limit = limit
        self._tls = tls  # for HTTPS; certifi's store, as aiogram's, made when first needed
        self._transports: dict[Origin, Transport] = {}
        # Worked out once per method: parsing the address anew was a tenth of a call's time.
        self._targets: dict[tuple[str, str], tuple[Transport, bytes]] = {}
        self._responses: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    def _response(self, method: TelegramMethod[TelegramType]) -> type[Response[TelegramType]]:
        """The model an answer is read through, `Response[<the method's result type>]`: a
        pydantic generic class that pydantic keeps only while something else refers to it.
        Nothing else does, so after each garbage collection the next call built it anew, a
        large share of the bot's time under load. Here each is held for the session's life."""
        kind = type(method)
        model = self._responses.get(kind)
        if model is None:
            model = self._responses[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return model

    def _target(self, bot: Bot, method: TelegramMethod[Any]) -> tuple[Transport, bytes]:
        """The connections a call goes on and the path it is posted to."""
        key = (bot.token, method.__api_method__)
        target = self._targets.get(key)
        if target is None:
            url = URL(self.api.api_url(token=bot.token, method=key[1]))
            origin = Origin.of(url)
            transport = self._transports.get(origin)
            if transport is None:
                if origin.scheme == "https" and self._tls is None:
                    self._tls = ssl.create_default_context(cafile=certifi.where())
                transport = self._transports[origin] = Transport(origin, self._limit, self._tls)
            target = self._targets[key] = (transport, url.raw_path_qs.encode())
        return target

    def json_fields(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """The call's parameters as JSON values, or None when it uploads a file."""
        files: dict[str, InputFile] = {}
        fields: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            # As in the form: an empty text is left out rather than sent empty.
            if prepared is not None and prepared != "":
                fields[key] = prepared
        return None if files else fields

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        fields = self.json_fields(bot, method)
        if fields is None:
            return await super().make_request(bot, method, timeout)
        status, content = await self._post(bot, method, fields, timeout)
        return self.answer_of(bot, method, fields, status, content)

    async def sent_id(
        self, bot: Bot, method: TelegramMethod[Message], timeout: int | None = None
    ) -> int:
        """The id of the message a send made, through the session's middlewares as any call.
        The outbox keeps nothing else of Telegram's answer, so the message is not read into
        models: reading a card's answer was a tenth of the bot's time under load. A refusal
        is aiogram's error, as for any call; so is an answer that holds no message. An answer
        with an id is taken even if something else in it is amiss: the message was sent, and
        sending it again would repeat it.

        Request middlewares receive the id, not a message, as the result of such a call."""
        # The middlewares hand on whatever the call returns: here the id.
        inner = cast(NextRequestMiddlewareType[Any], self._sent_id)
        call = self.middleware.wrap_middlewares(inner, timeout=timeout)
        return cast(int, await call(bot, method))

    async def _sent_id(
        self, bot: Bot, method: TelegramMethod[Message], timeout: int | None = None
    ) -> int:
        fields = self.json_fields(bot, method)
        if fields is None:
            sent = await super().make_request(bot, method, timeout)
            return _id_of(sent, None)
        status, content = await self._post(bot, method, fields, timeout)
        result = self._ok_result(status, content)
        message_id = result.get("message_id") if result is not None else None
        if isinstance(message_id, int) and not isinstance(message_id, bool):
            return message_id
        answer = self.check_response(bot=bot, method=method, status_code=status, content=content)
        return _id_of(answer.result, content)

    async def _post(
        self, bot: Bot, method: TelegramMethod[Any], fields: dict[str, Any], timeout: int | None
    ) -> tuple[int, str]:
        """The call as one JSON body: the answer's status and text."""
        transport, path = self._target(bot, method)
        body = self.json_dumps(fields).encode()
        try:
            status, content = await transport.post(
                path, body, self.timeout if timeout is None else timeout
            )
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except OSError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        # The Bot API answers in UTF-8 JSON: no need to guess the encoding.
        return status, content.decode()

    async def close(self) -> None:
        self.close_connections()
        await super().close()

    def close_connections(self) -> None:
        """Closes the connections calls go on; aiohttp's, for uploads, are closed by close()."""
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()
        self._targets.clear()

    def answer_of(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        fields: dict[str, Any],
        status: int,
        content: str,
    ) -> TelegramType:
        """The result of a call. A message sent with an inline keyboard comes back with that
        keyboard; when the echo is exactly what was sent, the message holds the keyboard just
        sent (the same object, bound to the bot) instead of reading a copy: its buttons were
        most of the time taken to read a card's answer. Anything else, errors included, is
        read and checked by aiogram."""
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            result = self._ok_result(status, content)
            if result is not None and result.get("reply_markup") == fields["reply_markup"]:
                result["reply_markup"] = markup.as_(bot)
                model = self._response(method)
                try:
                    read = model.model_validate(
                        {"ok": True, "result": result}, context={"bot": bot}
                    )
                    return cast(TelegramType, read.result)
                except ValidationError:
                    pass  # read again below, where aiogram says what is wrong with it
        answer = self.check_response(bot=bot, method=method, status_code=status, content=content)
        return cast(TelegramType, answer.result)

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        self._response(method)  # held before aiogram reads the answer through it
        return super().check_response(bot, method, status_code, content)

    def _ok_result(self, status: int, content: str) -> dict[str, Any] | None:
        """The result of an answer that says the call succeeded, when it is an object."""
        if status != HTTPStatus.OK:
            return None
        try:
            data = self.json_loads(content)
        except ValueError:
            return None
        result = data.get("result") if isinstance(data, dict) and data.get("ok") is True else None
        return result if isinstance(result, dict) else None


async def send_for_id(bot: Bot, method: TelegramMethod[Message]) -> int:
    """The id of the message a send made: the bot's own session reads nothing else of the
    answer; another session (a test's) answers with the whole message."""
    session = bot.session
    if isinstance(session, JsonSession):
        return await session.sent_id(bot, method)
    return (await bot(method)).message_id


def _id_of(sent: Message | None, content: str | None) -> int:
    if sent is None:
        raise ClientDecodeError("Telegram's answer holds no message", ValueError(content), content)
    return sent.message_id
