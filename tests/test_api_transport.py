"""The bot's connections to the Bot API server: kept alive and reused, at most `limit` at once,
and a call that fails on the way fails once, closing its connection, never sent again."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
import trustme
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from yarl import URL

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


def origin_of(listening: asyncio.Server, scheme: str = "http") -> Origin:
    return Origin.of(URL(f"{scheme}://127.0.0.1:{port_of(listening)}"))


@asynccontextmanager
async def connected(
    server: Server, limit: int = 100, clock: Callable[[], float] = time.monotonic
) -> AsyncIterator[Transport]:
    """A transport to the server, closed when done."""
    async with serving(server) as listening:
        transport = Transport(origin_of(listening), limit, None, clock)
        try:
            yield transport
        finally:
            transport.close()


async def settle(until: Callable[[], bool]) -> None:
    """Lets the server's side of the loop run until it has seen what the test waits for."""
    for _ in range(1000):
        if until():
            return
        await asyncio.sleep(0)
    raise AssertionError("the server never saw it")


async def test_calls_in_turn_share_one_connection_and_go_as_written() -> None:
    server = Server()
    async with connected(server) as transport:
        port = transport.origin.port
        for _ in range(3):
            assert await transport.post(b"/bot42:secret/getMe", b'{"a":1}', 5) == (200, OK)
    assert server.accepted == 1
    assert server.requests[0] == (
        b"POST /bot42:secret/getMe HTTP/1.1\r\n"
        b"Host: 127.0.0.1:%d\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"
        b'{"a":1}' % port
    )


def test_the_host_header_is_the_address_as_http_writes_it() -> None:
    telegram = Origin.of(URL("https://api.telegram.org/bot42:secret/getMe"))
    assert telegram == Origin("https", "api.telegram.org", 443, "api.telegram.org")
    assert Origin.of(URL("http://localhost:8081/x")).host_header == "localhost:8081"
    assert Origin.of(URL("http://[::1]:8081/x")) == Origin("http", "::1", 8081, "[::1]:8081")
    domain = Origin.of(URL("https://пример.рф/x"))
    assert (domain.host, domain.host_header) == ("xn--e1afmkfd.xn--p1ai",) * 2
    with pytest.raises(ValueError, match="not an HTTP address"):
        Origin.of(URL("ftp://example.com/x"))


@pytest.mark.parametrize(
    ("limit", "timeout", "calls", "most_open"),
    [(2, 5, 5, 2), (0, 0, 3, 3)],
    ids=["the limit", "0 is no limit and no timeout, as for aiohttp"],
)
async def test_no_more_than_the_limit_of_connections_are_open_at_once(
    limit: int, timeout: float, calls: int, most_open: int
) -> None:
    release = asyncio.Event()

    async def slow(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        await release.wait()
        writer.write(answer())
        return True

    server = Server(slow)
    async with connected(server, limit=limit) as transport:
        posts = [asyncio.create_task(transport.post(b"/x", b"{}", timeout)) for _ in range(calls)]
        await settle(lambda: len(server.requests) == most_open)
        release.set()
        assert await asyncio.gather(*posts) == [(200, OK)] * calls
    assert server.most_open == most_open
    assert server.accepted == most_open


@pytest.mark.parametrize(
    "last",
    [
        answer(OK, "Connection: close"),
        b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK,
    ],
    ids=["with its length", "without: it ends with the connection"],
)
async def test_an_answer_that_closes_the_connection_is_read_and_the_next_call_reconnects(
    last: bytes,
) -> None:
    async def closing(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(last)
        return False

    server = Server(closing)
    async with connected(server) as transport:
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
    assert server.accepted == 2


async def test_a_chunked_answer_is_read_whole() -> None:
    async def chunked(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'5\r\n{"ok"\r\n6\r\n:false\r\n1\r\n}\r\n0\r\n\r\n'
        )
        return True

    server = Server(chunked)
    async with connected(server) as transport:
        assert await transport.post(b"/x", b"{}", 5) == (400, b'{"ok":false}')
        assert await transport.post(b"/x", b"{}", 5) == (400, b'{"ok":false}')
    assert server.accepted == 1


async def test_a_connection_dropped_before_the_answer_fails_the_call_once() -> None:
    async def drop_first(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        if len(server.requests) == 1:
            return False
        writer.write(answer())
        return True

    server = Server(drop_first)
    async with connected(server) as transport:
        with pytest.raises(ConnectionError):
            await transport.post(b"/x", b"first", 5)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
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
    async with connected(server) as transport:
        with pytest.raises(TimeoutError):
            await transport.post(b"/x", b"{}", 0.5)
        held[0].write(answer(b'{"ok":true,"result":1}'))
        assert await transport.post(b"/x", b"{}", 5) == (200, b'{"ok":true,"result":2}')
        await settle(lambda: server.closed_by_client == 1)
    assert server.accepted == 2


async def test_a_connection_idle_too_long_is_closed_instead_of_reused() -> None:
    now = [100.0]
    server = Server()
    async with connected(server, clock=lambda: now[0]) as transport:
        await transport.post(b"/x", b"{}", 5)
        now[0] += KEEP_IDLE - 1
        await transport.post(b"/x", b"{}", 5)
        assert server.accepted == 1
        now[0] += KEEP_IDLE
        await transport.post(b"/x", b"{}", 5)
        await settle(lambda: server.closed_by_client == 1)
    assert server.accepted == 2


async def test_what_is_not_an_http_answer_fails_the_call_and_its_connection() -> None:
    async def garbage(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(b"SMTP ready\r\n\r\n" if len(server.requests) == 1 else answer())
        return True

    server = Server(garbage)
    async with connected(server) as transport:
        with pytest.raises(OSError, match="malformed answer"):
            await transport.post(b"/x", b"{}", 5)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
    assert server.accepted == 2


async def test_bytes_sent_to_an_idle_connection_retire_it() -> None:
    async def chatty(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(answer() + answer())
        return True

    server = Server(chatty)
    async with connected(server) as transport:
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        await settle(lambda: server.closed_by_client == 1)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
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
        origin = origin_of(listening, "https")
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
        with pytest.raises(TelegramNetworkError, match="ConnectionRefusedError") as caught:
            await bot.get_me()
        assert "secret" not in str(caught.value)  # the token is in the address, never told
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


async def test_an_interim_answer_is_passed_over_for_the_answer_after_it() -> None:
    async def interim(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + answer())
        return True

    async with connected(Server(interim)) as transport:
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)


async def test_a_server_switching_protocols_fails_the_call() -> None:
    async def switching(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n\x00\x01")
        return True

    server = Server(switching)
    async with connected(server) as transport:
        with pytest.raises(OSError, match="switched protocols"):
            await transport.post(b"/x", b"{}", 5)
        await settle(lambda: server.closed_by_client == 1)


async def test_a_cancelled_call_closes_its_connection_and_frees_its_place() -> None:
    async def hold_first(server: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        if len(server.requests) > 1:
            writer.write(answer())
        return True

    server = Server(hold_first)
    async with connected(server, limit=1) as transport:
        call = asyncio.create_task(transport.post(b"/x", b"{}", 5))
        await settle(lambda: len(server.requests) == 1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        await settle(lambda: server.closed_by_client == 1)
        assert await transport.post(b"/x", b"{}", 5) == (200, OK)


async def test_closing_ends_the_calls_on_their_way_and_those_waiting_for_a_place() -> None:
    async def never(_: Server, __: asyncio.StreamWriter, ___: bytes) -> bool:
        return True

    server = Server(never)
    async with connected(server, limit=1) as transport:
        going = asyncio.create_task(transport.post(b"/x", b"going", 5))
        waiting = asyncio.create_task(transport.post(b"/x", b"waiting", 5))
        await settle(lambda: len(server.requests) == 1)
        transport.close()
        for call in (going, waiting):
            with pytest.raises(ConnectionError):
                await call
        await settle(lambda: server.closed_by_client == 1)
        assert transport.connections == set()
    assert server.accepted == 1


async def shut_down(listening: asyncio.Server) -> None:
    """Stops a server running on its own event loop, with every connection it serves."""
    listening.close()
    serving = asyncio.all_tasks() - {asyncio.current_task()}
    for task in serving:
        task.cancel()
    await asyncio.gather(*serving, return_exceptions=True)


def test_a_transport_used_on_another_event_loop_starts_afresh() -> None:
    server = Server()
    loop = asyncio.new_event_loop()
    listening = loop.run_until_complete(asyncio.start_server(server.serve, "127.0.0.1", 0))
    serving_thread = threading.Thread(target=loop.run_forever)
    serving_thread.start()
    transport = Transport(origin_of(listening), 1, None)
    try:
        for _ in range(2):  # each on an event loop of its own, ended after it
            assert asyncio.run(transport.post(b"/x", b"{}", 5)) == (200, OK)
    finally:
        transport.close()
        asyncio.run_coroutine_threadsafe(shut_down(listening), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        serving_thread.join()
        loop.close()
    assert server.accepted == 2
    assert len(server.requests) == 2


def test_the_session_takes_no_proxy() -> None:
    with pytest.raises(ValueError, match="proxy"):
        JsonSession(proxy="http://127.0.0.1:3128")


async def test_closing_the_session_closes_its_connections() -> None:
    me = b'{"ok":true,"result":{"id":42,"is_bot":true,"first_name":"Ax"}}'

    async def answering_me(_: Server, writer: asyncio.StreamWriter, __: bytes) -> bool:
        writer.write(answer(me))
        return True

    server = Server(answering_me)
    async with serving(server) as listening:
        api = TelegramAPIServer.from_base(f"http://127.0.0.1:{port_of(listening)}")
        session = JsonSession(api=api)
        bot = Bot(TOKEN, session=session)
        assert (await bot.get_me()).id == 42
        await session.close()
        await settle(lambda: server.closed_by_client == 1)
