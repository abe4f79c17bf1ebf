"""deploy/systemd: the units are what systemd accepts, and each starts a command the bot has."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import command_line

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
CHECKOUT, ENV_FILE = "/opt/axin", "/etc/axin/axin.env"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_each_unit_runs_the_command_of_its_role_as_its_own_user() -> None:
    expected = {
        "axin-migrate.service": ("migrate", None),
        "axin-web@.service": ("run", "web"),
        "axin-worker@.service": ("run", "worker"),
    }
    assert sorted(path.name for path in UNITS.iterdir()) == sorted(expected)
    for name, (command, role) in expected.items():
        service = unit(name)["Service"]
        python, *argv = shlex.split(service["ExecStart"])
        assert python == f"{CHECKOUT}/.venv/bin/python"
        assert argv[:2] == ["-m", "bot"]
        parsed = command_line().parse_args(argv[2:])
        assert (parsed.command, getattr(parsed, "role", None)) == (command, role)
        assert (service["User"], service["Group"]) == ("axin", "axin")
        assert service["EnvironmentFile"] == ENV_FILE
        assert service["WorkingDirectory"] == CHECKOUT


def test_processes_restart_on_failure_on_their_own_port_once_migrations_ran() -> None:
    migrate = unit("axin-migrate.service")
    assert migrate["Service"]["Type"] == "oneshot"
    assert migrate["Service"]["RemainAfterExit"] == "yes"
    for name in ("axin-web@.service", "axin-worker@.service"):
        process = unit(name)
        assert process["Unit"]["Requires"] == "axin-migrate.service"
        assert "axin-migrate.service" in process["Unit"]["After"].split()
        assert process["Service"]["Restart"] == "on-failure"
        assert process["Service"]["Environment"] == "HTTP_PORT=%i"
        # More than the bot's own grace for what it was doing when told to stop.
        assert int(process["Service"]["TimeoutStopSec"]) > 20


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """Verified where they would run: the checkout's interpreter and the settings file are
    placed in `tmp_path` instead of /opt/axin and /etc/axin."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    checkout = tmp_path / "opt-axin"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    (checkout / ".venv" / "bin" / "python").symlink_to(sys.executable)
    env_file = tmp_path / "axin.env"
    env_file.write_text("BOT_TOKEN=123:abc\n")
    placed = tmp_path / "units"
    placed.mkdir()
    for source in UNITS.iterdir():
        text = source.read_text(encoding="utf-8")
        text = text.replace(ENV_FILE, str(env_file)).replace(CHECKOUT, str(checkout))
        (placed / source.name).write_text(text, encoding="utf-8")
    names = ["axin-migrate.service", "axin-web@8081.service", "axin-worker@8091.service"]
    verified = subprocess.run(
        [analyze, "verify", *(str(placed / name) for name in names)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (verified.returncode, verified.stderr, verified.stdout) == (0, "", "")
