"""The bot's connections to the Bot API server: kept alive and reused, at most `limit` at once,
and a call that fails on the way fails once, closing its connection, never sent again."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
import trustme
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError

from bot.api_session import JsonSession
from bot.api_transport import KEEP_IDLE, Origin, Transport

TOKEN = "42:secret"
OK = b'{"ok":true,"result":true}'


def answer(body: bytes = OK, *headers: str) -> bytes:
    head = "".join(f"{header}\r\n" for header in headers).encode()
    status = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    return status + head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


Reply = Callable[["Server", asyncio.StreamWriter, bytes], Awaitable[bool]]


async def plain(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
    writer.write(answer())
    return True


@dataclass
class Server:
    """A Bot API server whose answers a test writes: `reply` gets each request as it came and
    says whether to keep the connection."""

    reply: Reply = plain
    requests: list[bytes] = field(default_factory=list)
    accepted: int = 0
    open: int = 0
    most_open: int = 0
    closed_by_client: int = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    self.closed_by_client += 1
                    return
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                if not await self.reply(self, writer, request):
                    return
                await writer.drain()
        finally:
            self.open -= 1
            writer.close()


@asynccontextmanager
async def serving(
    server: Server, tls: ssl.SSLContext | None = None
) -> AsyncIterator[asyncio.Server]:
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0, ssl=tls)
    try:
        yield listening
    finally:
        listening.close()


def port_of(listening: asyncio.Server) -> int:
    return int(listening.sockets[0].getsockname()[1])


def transport_to(listening: asyncio.Server, limit: int = 100, **kwargs: object) -> Transport:
    return Transport(Origin("http", "127.0.0.1", port_of(listening)), limit, None, **kwargs)  # type: ignore[arg-type]


async def settle(until: Callable[[], bool]) -> None:
    """Lets the server's side of the loop run until it has seen what the test waits for."""
    for _ in range(1000):
        if until():
            return
        await asyncio.sleep(0)
    raise AssertionError("the server never saw it")


async def test_calls_in_turn_share_one_connection_and_go_as_written() -> None:
    server = Server()
    async with serving(server) as listening:
        port = port_of(listening)
        transport = transport_to(listening)
        try:
            for _ in range(3):
                assert await transport.post(b"/bot42:secret/getMe", b'{"a":1}', 5) == (200, OK)
        finally:
            transport.close()
    assert server.accepted == 1
    assert server.requests[0] == (
        b"POST /bot42:secret/getMe HTTP/1.1\r\n"
        b"Host: 127.0.0.1:%d\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"
        b'{"a":1}' % port
    )


def test_the_host_header_leaves_out_the_default_port() -> None:
    assert Origin("https", "api.telegram.org", 443).host_header == "api.telegram.org"
    assert Origin("http", "localhost", 80).host_header == "localhost"
    assert Origin("http", "localhost", 8081).host_header == "localhost:8081"


async def test_no_more_than_the_limit_of_connections_are_open_at_once() -> None:
    release = asyncio.Event()

    async def slow(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        await release.wait()
        writer.write(answer())
        return True

    server = Server(slow)
    async with serving(server) as listening:
        transport = transport_to(listening, limit=2)
        try:
            calls = [asyncio.create_task(transport.post(b"/x", b"{}", 5)) for _ in range(5)]
            await settle(lambda: len(server.requests) == 2)
            release.set()
            assert await asyncio.gather(*calls) == [(200, OK)] * 5
        finally:
            transport.close()
    assert server.most_open == 2
    assert server.accepted == 2


async def test_an_answer_that_closes_the_connection_is_read_and_the_next_call_reconnects() -> None:
    async def closing(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(answer(OK, "Connection: close"))
        return False

    server = Server(closing)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        finally:
            transport.close()
    assert server.accepted == 2


async def test_a_chunked_answer_is_read_whole() -> None:
    async def chunked(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'5\r\n{"ok"\r\n6\r\n:false\r\n1\r\n}\r\n0\r\n\r\n'
        )
        return True

    server = Server(chunked)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            assert await transport.post(b"/x", b"{}", 5) == (400, b'{"ok":false}')
            assert await transport.post(b"/x", b"{}", 5) == (400, b'{"ok":false}')
        finally:
            transport.close()
    assert server.accepted == 1


async def test_a_connection_dropped_before_the_answer_fails_the_call_once() -> None:
    async def drop_first(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        if len(server.requests) == 1:
            return False
        writer.write(answer())
        return True

    server = Server(drop_first)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            with pytest.raises(ConnectionError):
                await transport.post(b"/x", b"first", 5)
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        finally:
            transport.close()
    # The dropped call was not sent again: the server may have acted on it.
    assert [request.endswith(b"first") for request in server.requests] == [True, False]
    assert server.accepted == 2


async def test_a_call_out_of_time_closes_its_connection_and_its_late_answer_is_not_taken() -> None:
    held: list[asyncio.StreamWriter] = []

    async def hold_first(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        if len(server.requests) == 1:
            held.append(writer)
        else:
            writer.write(answer(b'{"ok":true,"result":2}'))
        return True

    server = Server(hold_first)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            with pytest.raises(TimeoutError):
                await transport.post(b"/x", b"{}", 0.05)
            held[0].write(answer(b'{"ok":true,"result":1}'))
            assert await transport.post(b"/x", b"{}", 5) == (200, b'{"ok":true,"result":2}')
            await settle(lambda: server.closed_by_client == 1)
        finally:
            transport.close()
    assert server.accepted == 2


async def test_a_connection_idle_too_long_is_closed_instead_of_reused() -> None:
    now = [100.0]
    server = Server()
    async with serving(server) as listening:
        transport = transport_to(listening, clock=lambda: now[0])
        try:
            await transport.post(b"/x", b"{}", 5)
            now[0] += KEEP_IDLE - 1
            await transport.post(b"/x", b"{}", 5)
            assert server.accepted == 1
            now[0] += KEEP_IDLE
            await transport.post(b"/x", b"{}", 5)
            await settle(lambda: server.closed_by_client == 1)
        finally:
            transport.close()
    assert server.accepted == 2


async def test_what_is_not_an_http_answer_fails_the_call_and_its_connection() -> None:
    async def garbage(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(b"SMTP ready\r\n\r\n" if len(server.requests) == 1 else answer())
        return True

    server = Server(garbage)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            with pytest.raises(OSError, match="malformed answer"):
                await transport.post(b"/x", b"{}", 5)
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        finally:
            transport.close()
    assert server.accepted == 2


async def test_bytes_sent_to_an_idle_connection_retire_it() -> None:
    async def chatty(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(answer() + answer())
        return True

    server = Server(chatty)
    async with serving(server) as listening:
        transport = transport_to(listening)
        try:
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
            await settle(lambda: server.closed_by_client == 1)
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        finally:
            transport.close()
    assert server.accepted == 2


async def test_https_is_checked_against_the_server_certificate() -> None:
    authority = trustme.CA()
    served = authority.issue_cert("127.0.0.1").configure_cert
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served(server_tls)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    server = Server()
    async with serving(server, server_tls) as listening:
        origin = Origin("https", "127.0.0.1", port_of(listening))
        transport = Transport(origin, 10, trusting)
        stranger = Transport(origin, 10, ssl.create_default_context())
        try:
            assert await transport.post(b"/x", b"{}", 5) == (200, OK)
            with pytest.raises(ssl.SSLCertVerificationError):
                await stranger.post(b"/x", b"{}", 5)
        finally:
            transport.close()
            stranger.close()
    assert len(server.requests) == 1


async def test_the_session_reports_a_server_it_cannot_reach_as_a_network_error() -> None:
    server = Server()
    async with serving(server) as listening:
        port = port_of(listening)
    session = JsonSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    bot = Bot(TOKEN, session=session)
    try:
        with pytest.raises(TelegramNetworkError, match="ConnectionRefusedError"):
            await bot.get_me()
    finally:
        await session.close()


async def test_the_session_reports_a_call_out_of_time_as_a_network_error() -> None:
    async def silent(_: Server, __: asyncio.StreamWriter, ___: bytes) -> bool:
        await asyncio.Event().wait()
        return False

    server = Server(silent)
    async with serving(server) as listening:
        api = TelegramAPIServer.from_base(f"http://127.0.0.1:{port_of(listening)}")
        session = JsonSession(api=api, timeout=0.05)
        bot = Bot(TOKEN, session=session)
        try:
            with pytest.raises(TelegramNetworkError, match="Request timeout error"):
                await bot.get_me()
        finally:
            await session.close()
