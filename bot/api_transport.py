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
import contextlib
import ssl
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httptools
from yarl import URL

KEEP_IDLE = 15.0  # seconds, as aiohttp's client keeps an idle connection
# As aiohttp's client: an address family that does not answer in this long gets company.
HAPPY_EYEBALLS = 0.25
SWITCHING_PROTOCOLS = 101


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str  # as connected to: an IPv6 address bare, a domain in its ASCII form
    port: int
    host_header: str

    @classmethod
    def of(cls, url: URL) -> Origin:
        if url.scheme not in ("http", "https") or not url.raw_host or url.port is None:
            raise ValueError(f"not an HTTP address of a Bot API server: {url.scheme}://")
        return cls(url.scheme, url.raw_host, url.port, url.host_port_subcomponent or "")


class _Connection(asyncio.Protocol):
    """One connection: bytes in, the answer to the call on it out."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.framed = False  # the answer states its length or comes in chunks
        self.headed = False  # the answer's headers have all arrived
        self.closed = False
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except Exception as error:  # whatever the parser makes of it, not an answer
            self._fail(OSError(f"malformed answer from the Bot API server: {error!r}"))

    def on_message_begin(self) -> None:
        if self.answer is None:  # an answer to nothing asked: the server is out of step
            self.close()
        self.body = []
        self.framed = self.headed = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self.framed = True

    def on_headers_complete(self) -> None:
        self.headed = True

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        status = self.parser.get_status_code()
        if status == SWITCHING_PROTOCOLS:
            self._fail(OSError("the Bot API server switched protocols"))
            return
        if status < 200:
            return  # "100 Continue" and the like: the answer follows
        if not self.parser.should_keep_alive():
            self.close()
        self._answer(status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.answer is not None and self.headed and not self.framed:
            # An answer with neither length nor chunks ends where the connection does.
            self._answer(self.parser.get_status_code())
        self._fail(exc or ConnectionResetError("the Bot API server closed the connection"))

    def _answer(self, status: int) -> None:
        answer, self.answer = self.answer, None
        content, self.body = b"".join(self.body), []
        if answer is not None and not answer.done():
            answer.set_result((status, content))

    def _fail(self, error: Exception) -> None:
        answer, self.answer = self.answer, None
        self.close()
        if answer is not None and not answer.done():
            answer.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            # A connection of an event loop that has ended goes with it.
            with contextlib.suppress(RuntimeError):
                self.transport.close()

    def ask(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        if self.closed or self.transport is None:
            raise ConnectionResetError("the Bot API server closed the connection")
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.answer


class Transport:
    """The connections to one Bot API server, on the event loop that uses them."""

    def __init__(
        self,
        origin: Origin,
        limit: int,
        tls: ssl.SSLContext | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.origin = origin
        self.limit = limit or sys.maxsize  # 0: no limit, as for aiohttp
        self.tls = tls if origin.scheme == "https" else None
        self.clock = clock
        self.idle: deque[_Connection] = deque()
        self.connections: set[_Connection] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.slots = asyncio.Semaphore(self.limit)
        self.closed = False
        self.head = (
            f"Host: {origin.host_header}\r\nContent-Type: application/json\r\nContent-Length: "
        ).encode()

    async def post(self, path: bytes, body: bytes, timeout: float) -> tuple[int, bytes]:
        """The status and body of the answer to a JSON POST to `path`; a timeout of 0 is
        none, as for aiohttp."""
        request = b"".join(
            (b"POST ", path, b" HTTP/1.1\r\n", self.head, b"%d\r\n\r\n" % len(body), body)
        )
        self._on_this_loop()
        async with asyncio.timeout(timeout or None), self.slots:
            if self.closed:
                raise ConnectionResetError("the session was closed")
            connection = self._idle() or await self._connect()
            try:
                answer = await connection.ask(request)
            except BaseException:
                self._drop(connection)  # its state is unknown: it may yet bring the answer
                raise
        if connection.closed or self.closed:
            self._drop(connection)
        else:
            connection.idle_since = self.clock()
            self.idle.append(connection)
        return answer

    def _on_this_loop(self) -> None:
        """Connections and slots belong to one event loop: another one starts afresh."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            if self.loop is not None:
                self._close_connections()
                self.slots = asyncio.Semaphore(self.limit)
            self.loop = loop

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
            _Connection,
            self.origin.host,
            self.origin.port,
            ssl=self.tls,
            server_hostname=self.origin.host if self.tls else None,
            happy_eyeballs_delay=HAPPY_EYEBALLS,
            interleave=1,
        )
        self.connections.add(connection)
        if self.closed:
            self._drop(connection)
            raise ConnectionResetError("the session was closed")
        return connection

    def _close_connections(self) -> None:
        for connection in self.connections:
            connection.close()
        self.connections.clear()
        self.idle.clear()

    def close(self) -> None:
        """Closes every connection; calls still on their way end without keeping theirs."""
        self.closed = True
        self._close_connections()
