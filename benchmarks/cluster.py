"""Several Axın workers as an operator runs them: `python -m bot run --role all` processes in
webhook mode on PostgreSQL and Redis, behind a round-robin reverse proxy, with the Bot API
emulator (served by this process, Telegram's limits on) posting updates to the proxy. Shared by
`benchmarks/workers.py` and the end-to-end tests of several workers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text

from bot import migrate
from emulator import Emulator, Limits, RunningEmulator, start_emulator
from services.db.engine import create_engine

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://crm.example.test"
HOOK = f"{PUBLIC}/telegram/hook"
SECRET = "cluster-Secret_7"
OWNER = 1
# Telegram's: 30 messages a second overall, 1 a second per chat.
TELEGRAM = Limits(enabled=True, per_chat_per_second=1, global_per_second=30)
STARTUP = 180.0
SHUTDOWN = 20.0
# Hop-by-hop headers and those aiohttp sets itself are not passed on.
_NOT_PASSED = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RoundRobin:
    """A reverse proxy in front of the workers, as nginx's default upstream: each request goes
    to the next worker in turn; a worker refusing the connection is passed over for the next
    (nginx's `proxy_next_upstream error`); one failing after it took the request answers 502,
    and Telegram posts the update again."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._turn = 0
        self._client: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_PASSED}
        for _ in range(len(self.backends)):
            backend = self.backends[self._turn % len(self.backends)]
            self._turn += 1
            try:
                async with self._client.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    return web.Response(
                        status=answer.status,
                        body=await answer.read(),
                        content_type=answer.content_type,
                    )
            except aiohttp.ClientConnectorError:
                continue
            except (aiohttp.ClientError, TimeoutError):
                return web.Response(status=502)
        return web.Response(status=502)


class Worker:
    """One `python -m bot run --role all` process, its output in `log`."""

    def __init__(self, number: int, env: Mapping[str, str], log: Path) -> None:
        self.number = number
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "HTTP_PORT": str(self.port)}
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self._cpu = 0.0

    async def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--role",
                "all",
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=output,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def exited(self) -> int | None:
        return None if self.process is None else self.process.returncode

    async def healthy(self, client: aiohttp.ClientSession) -> bool:
        try:
            async with client.get(f"{self.url}/healthz") as answer:
                return answer.status == 200
        except aiohttp.ClientError:
            return False

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far (Linux); once it has ended,
        as last read."""
        if self.exited is None:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
            # utime and stime: the 14th and 15th fields, counted from the pid.
            ticks = int(fields[11]) + int(fields[12])
            self._cpu = ticks / os.sysconf("SC_CLK_TCK")
        return self._cpu

    async def kill(self) -> None:
        assert self.process is not None
        self.cpu_seconds()
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        return await stop(self.process, SHUTDOWN)


async def stop(process: asyncio.subprocess.Process, grace: float) -> int:
    """SIGTERM, as a service manager stops a process; its exit code once it has shut down
    (killed after `grace` seconds)."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        return await process.wait()


@dataclass
class Cluster:
    running: RunningEmulator
    proxy: RoundRobin
    workers: list[Worker]

    @property
    def emulator(self) -> Emulator:
        return self.running.emulator

    async def until_ready(self, timeout: float = STARTUP) -> None:
        """Until every worker answers /healthz and the webhook is set; a worker that exits
        meanwhile fails the start, naming its log."""
        async with asyncio.timeout(timeout), aiohttp.ClientSession() as client:
            waiting = list(self.workers)
            while waiting:
                for worker in list(waiting):
                    if worker.exited is not None:
                        raise RuntimeError(
                            f"worker {worker.number} exited with {worker.exited}: {worker.log}"
                        )
                    if await worker.healthy(client):
                        waiting.remove(worker)
                if waiting:
                    await asyncio.sleep(0.1)
            emulator = self.emulator
            await emulator.wait_for(lambda: emulator.webhook.webhook, timeout)

    def cpu_seconds(self) -> float:
        return sum(worker.cpu_seconds() for worker in self.workers)


async def reset(database_url: str, redis_url: str, *, migrated: bool = True) -> None:
    """An empty database (migrated, unless not `migrated`) and an empty Redis database."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        if migrated:
            await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    redis = Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


async def transactions(database_url: str) -> int:
    """Transactions committed and rolled back in the database so far, as PostgreSQL counts
    them (a backend reports its own within a second, and all of them as it exits)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            count = await connection.scalar(
                text(
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                    "WHERE datname = current_database()"
                )
            )
            return int(count or 0)
    finally:
        await engine.dispose()


@asynccontextmanager
async def cluster(
    size: int,
    database_url: str,
    redis_url: str,
    workdir: Path,
    *,
    latency: float = 0.05,
    limits: Limits = TELEGRAM,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Cluster]:
    """The emulator, the proxy and `size` workers started at once (not yet ready: see
    `Cluster.until_ready`), with `env` added to their settings; the workers are stopped with
    SIGTERM on the way out."""
    async with start_emulator(limits=limits, latency=latency) as running:
        emulator = running.emulator
        emulator.user(OWNER, "Olga", language_code="en").user.started = True
        settings = {
            "BOT_TOKEN": emulator.token,
            "TELEGRAM_API_URL": running.base_url,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "OWNER_IDS": str(OWNER),
            # Customers write at any hour of the run: managers take requests round the clock.
            "WORKING_HOURS": "mon-sun 00:00-24:00",
            "WEBHOOK_URL": HOOK,
            "WEBHOOK_SECRET": SECRET,
            **(env or {}),
        }
        workers = [
            Worker(number, settings, workdir / f"worker-{number}.log") for number in range(size)
        ]
        proxy = RoundRobin([worker.url for worker in workers])
        await proxy.start()
        emulator.webhook.route(PUBLIC, proxy.url)
        try:
            await asyncio.gather(*(worker.start() for worker in workers))
            yield Cluster(running, proxy, workers)
        finally:
            await asyncio.gather(
                *(worker.stop() for worker in workers if worker.process is not None)
            )
            await proxy.close()
