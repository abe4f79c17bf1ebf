"""Command line: python -m bot run [--role web|worker|all] | migrate | sandbox | apitoken."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from bot import logs, migrate, tokens_cli
from bot.app import build_app
from bot.serve import ROLES, CannotStart, run
from bot.settings import Settings
from services.db.engine import create_engine


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def _settings_problems(error: ValidationError) -> str:
    """What is wrong with the settings, without the values given: they may hold secrets."""
    problems = [
        f"{'.'.join(str(part) for part in e['loc']).upper() or 'settings'}: {e['msg']}"
        for e in error.errors(include_url=False, include_input=False)
    ]
    return "Invalid settings: " + "; ".join(problems)


def command_line() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Axın CRM bot")
    commands = parser.add_subparsers(dest="command", required=True)
    running = commands.add_parser(
        "run", help="apply migrations, then poll for Telegram updates or serve the webhook"
    )
    running.add_argument(
        "--role",
        choices=ROLES,
        default="all",
        help="web: the webhook and the HTTP API; worker: the outbox and the sweeps; all: both",
    )
    commands.add_parser("migrate", help="apply database migrations")
    tokens_cli.add_parser(commands)
    sandbox = commands.add_parser(
        "sandbox", help="try the bot in a browser: Bot API emulator, bot and phones, no token"
    )
    sandbox.add_argument("--demo", action="store_true", help="preload a small business")
    sandbox.add_argument("--host", default="127.0.0.1", help="address of the page")
    sandbox.add_argument("--port", type=int, default=8081, help="port of the page")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = command_line().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(_settings_problems(error), file=sys.stderr)
        return 2
    logs.configure(settings.log_format)
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        return 0
    if args.command == "apitoken":
        asyncio.run(_migrate(settings))
        return asyncio.run(tokens_cli.run(settings, args))
    if args.command == "sandbox":
        # The sandbox and its emulator are loaded only when asked for.
        from sandbox.server import serve as serve_sandbox

        return asyncio.run(
            serve_sandbox(settings, host=args.host, port=args.port, with_demo=args.demo)
        )
    if settings.bot_token is None:
        print(
            "BOT_TOKEN is not set: get a token from @BotFather and put it in .env "
            "(or run `python -m bot sandbox` to try Axın without one).",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(run(build_app(settings), args.role))
    except CannotStart as refusal:
        print(f"Not started: {refusal}.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
