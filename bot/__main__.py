"""Command line: python -m bot run | migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot import migrate
from bot.app import build_app, run_polling
from bot.settings import Settings
from services.db.engine import create_engine


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Axın CRM bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="apply migrations, then serve Telegram updates")
    commands.add_parser("migrate", help="apply database migrations")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Invalid settings: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        return 0
    if settings.bot_token is None:
        print(
            "BOT_TOKEN is not set: get a token from @BotFather and put it in .env "
            "(or run `python -m bot sandbox` to try Axın without one).",
            file=sys.stderr,
        )
        return 2
    asyncio.run(run_polling(build_app(settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
