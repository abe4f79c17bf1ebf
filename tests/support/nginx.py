"""nginx serving deploy/nginx/axin.conf as shipped, unprivileged, from a directory of a test's:
the site's ${AXIN_...} variables are filled in as envsubst would, and axin-web.conf lists the
test's web processes. Everything else is the site file itself."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest

from tests.support.processes import free_port
from tests.support.tls import Certificate

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "axin.conf"
READY = 10.0


@dataclass(frozen=True)
class Nginx:
    origin: str


def render_site(variables: dict[str, str]) -> str:
    """The site as `envsubst '$AXIN_…'` writes it: only the named variables are replaced."""
    site = Template(SITE.read_text(encoding="utf-8")).safe_substitute(variables)
    left = re.findall(r"\$\{AXIN_[A-Z_]+\}", site)
    assert not left, f"the site needs {left} too"
    return site


def main_config(directory: Path) -> str:
    """What nginx.conf around the site holds on a host, with every path in `directory`."""
    # As root, workers would switch to `nobody`, who cannot enter pytest's private tmp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} notice;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {directory / 'access.log'};\n{temp}\n"
        "    include axin.conf;\n}\n"
    )


@asynccontextmanager
async def serving_site(
    directory: Path,
    certificate: Certificate,
    domain: str,
    webhook_path: str,
    web_ports: Sequence[int],
) -> AsyncIterator[Nginx]:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        pytest.skip("nginx is not installed (`make test` installs Debian's nginx)")
    port = free_port()
    variables = {
        "AXIN_DOMAIN": domain,
        "AXIN_TLS_PORT": str(port),
        "AXIN_TLS_CERT": str(certificate.cert),
        "AXIN_TLS_KEY": str(certificate.key),
        "AXIN_WEBHOOK_PATH": webhook_path,
    }
    config = _configure(directory, variables, web_ports)
    error_log = str(directory / "error.log")
    process = await asyncio.create_subprocess_exec(
        binary, "-p", str(directory), "-c", str(config), "-e", error_log
    )
    try:
        await _until_listening(port, process, error_log)
        yield Nginx(f"https://127.0.0.1:{port}")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGQUIT)  # a graceful stop
            try:
                await asyncio.wait_for(process.wait(), READY)
            except TimeoutError:
                process.kill()
                await process.wait()


def _configure(directory: Path, variables: dict[str, str], web_ports: Sequence[int]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "axin.conf").write_text(render_site(variables), encoding="utf-8")
    servers = "".join(f"server 127.0.0.1:{web};\n" for web in web_ports)
    (directory / "axin-web.conf").write_text(servers, encoding="utf-8")
    config = directory / "nginx.conf"
    config.write_text(main_config(directory), encoding="utf-8")
    return config


async def _until_listening(port: int, process: asyncio.subprocess.Process, log: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY
    while loop.time() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"nginx did not start: {_read(log)}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"nginx is not listening on {port}: {_read(log)}")


def _read(log: str) -> str:
    return Path(log).read_text(encoding="utf-8", errors="replace")
