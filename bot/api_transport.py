"""Kept-alive HTTP/1.1 connections to the Bot API server, for calls posted as one JSON body.

aiohttp's client spent about 120 µs of the bot's time on each call (its request and response
objects, cookie jar, tracing hooks and timers), a fifth of the bot's time under load. A call
here writes the request in one piece on an idle connection and reads the answer with httptools'
parser: about 40 µs. Each connection carries one call at a time; at most `limit` are open.

A call that fails on the way (the connection drops, the answer is not HTTP, the time runs out)
raises OSError or TimeoutError and its connection is closed: the server may have acted on it,
so it is never sent again from here. A connection left idle longer than KEEP_IDLE is closed
before the server would close it under a call."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httptools

KEEP_IDLE = 15.0  # seconds, as aiohttp's client keeps an idle connection


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


class _Connection(asyncio.Protocol):
    """One connection: bytes in, the answer to the call on it out."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.closed = False
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(OSError(f"malformed answer from the Bot API server: {error}"))

    def on_message_begin(self) -> None:
        if self.answer is None:  # an answer to nothing asked: the server is out of step
            self.close()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        answer, self.answer = self.answer, None
        content, self.body = b"".join(self.body), []
        if not self.parser.should_keep_alive():
            self.close()
        if answer is not None and not answer.done():
            answer.set_result((self.parser.get_status_code(), content))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(exc or ConnectionResetError("the Bot API server closed the connection"))

    def _fail(self, error: Exception) -> None:
        answer, self.answer = self.answer, None
        self.close()
        if answer is not None and not answer.done():
            answer.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def ask(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        if self.closed or self.transport is None:
            raise ConnectionResetError("the Bot API server closed the connection")
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.answer


class Transport:
    """The connections to one Bot API server."""

    def __init__(
        self,
        origin: Origin,
        limit: int,
        tls: ssl.SSLContext | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.origin = origin
        self.clock = clock
        self.tls = tls if origin.scheme == "https" else None
        self.idle: deque[_Connection] = deque()
        self.slots = asyncio.Semaphore(limit)
        self.connections: set[_Connection] = set()
        self.head = (
            f"Host: {origin.host_header}\r\nContent-Type: application/json\r\nContent-Length: "
        ).encode()

    async def post(self, path: bytes, body: bytes, timeout: float) -> tuple[int, bytes]:
        """The status and body of the answer to a JSON POST to `path`."""
        request = b"".join(
            (b"POST ", path, b" HTTP/1.1\r\n", self.head, b"%d\r\n\r\n" % len(body), body)
        )
        async with asyncio.timeout(timeout), self.slots:
            connection = self._idle() or await self._connect()
            try:
                answer = await connection.ask(request)
            except BaseException:
                self._drop(connection)  # its state is unknown: it may yet bring the answer
                raise
        if connection.closed:
            self.connections.discard(connection)
        else:
            connection.idle_since = self.clock()
            self.idle.append(connection)
        return answer

    def _idle(self) -> _Connection | None:
        """The most recently used idle connection still open; those idle too long are closed."""
        stale = self.clock() - KEEP_IDLE
        while self.idle and self.idle[0].idle_since <= stale:
            self._drop(self.idle.popleft())
        while self.idle:
            connection = self.idle.pop()
            if not connection.closed:
                return connection
            self._drop(connection)
        return None

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self.connections.discard(connection)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            _Connection, self.origin.host, self.origin.port, ssl=self.tls
        )
        self.connections.add(connection)
        return connection

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.connections.clear()
        self.idle.clear()
