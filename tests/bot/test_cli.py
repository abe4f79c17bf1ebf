"""`python -m bot run` refuses to start, in one clear message, when it could not work safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from pydantic import ValidationError

from bot.__main__ import main
from bot.app import create_bot
from bot.settings import Settings

HOOK = "https://crm.example.com/telegram/hook"


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No .env file and none of the bot's settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "TELEGRAM_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_run_without_a_token_explains_in_one_line(
    bare_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("BOT_TOKEN is not set: get a token from @BotFather")


def test_a_webhook_without_its_secret_does_not_start(
    bare_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare_env.setenv("BOT_TOKEN", "123456:TEST")
    bare_env.setenv("WEBHOOK_URL", HOOK)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid settings:")
    assert "WEBHOOK_URL needs WEBHOOK_SECRET" in err


@pytest.mark.parametrize(
    ("url", "secret", "says"),
    [
        ("http://crm.example.com/hook", "s3cret", "only to an https:// address"),
        ("https://crm.example.com:8080/hook", "s3cret", "only to ports 443, 80, 88 or 8443"),
        ("https://crm.example.com/healthz", "s3cret", "taken by the HTTP API"),
        ("https://crm.example.com/metrics", "s3cret", "taken by the HTTP API"),
        ("https://crm.example.com/api/v1/leads", "s3cret", "taken by the HTTP API"),
        (HOOK, "not secret!", "letters, digits, _ and -"),
        (HOOK, "x" * 257, "letters, digits, _ and -"),
    ],
)
def test_webhook_settings_telegram_would_refuse_are_named(
    url: str, secret: str, says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, webhook_url=url, webhook_secret=secret)
    assert says in str(refused.value)


def test_an_empty_webhook_url_means_polling() -> None:
    assert Settings(_env_file=None, webhook_url="").webhook_url is None


def test_a_good_webhook_setting_is_kept() -> None:
    settings = Settings(_env_file=None, webhook_url=HOOK, webhook_secret="A-z_09")
    assert settings.webhook_url == HOOK
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "A-z_09"


def test_bot_api_calls_go_through_the_proxy_named() -> None:
    proxy = "socks5://crm:hunter2@127.0.0.1:1080"
    settings = Settings(_env_file=None, bot_token="123456:TEST", telegram_proxy=proxy)
    session = create_bot(settings).session
    assert isinstance(session, AiohttpSession)
    assert session.proxy == proxy
    assert "hunter2" not in repr(settings)
    assert create_bot(Settings(_env_file=None, bot_token="123456:TEST")).session.proxy is None


def test_a_bad_proxy_is_named_without_its_password(
    bare_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare_env.setenv("BOT_TOKEN", "123456:TEST")
    bare_env.setenv("TELEGRAM_PROXY", "ftp://crm:hunter2@proxy.example.com:21")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid settings: TELEGRAM_PROXY: ")
    assert "socks5://" in err
    assert "hunter2" not in err


@pytest.mark.parametrize(
    ("role", "env", "says"),
    [
        ("web", {}, "--role web is for several processes in webhook mode: set WEBHOOK_URL"),
        ("worker", {}, "--role worker is for several processes in webhook mode"),
        (
            "worker",
            {"WEBHOOK_URL": HOOK, "WEBHOOK_SECRET": "s3cret"},
            "share Telegram's send budget through Redis: set REDIS_URL",
        ),
    ],
)
def test_roles_are_for_several_processes_behind_a_webhook_with_redis(
    bare_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    role: str,
    env: dict[str, str],
    says: str,
) -> None:
    bare_env.setenv("BOT_TOKEN", "123456:TEST")
    bare_env.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        bare_env.setenv(name, value)
    assert main(["run", "--role", role]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Not started: ") and says in err
