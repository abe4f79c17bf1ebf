"""`python -m bot apitoken create NAME | list | revoke ID`: API tokens from the server's shell,
for setting up a website or phone system before anyone opens the bot."""

from __future__ import annotations

import argparse

from bot.settings import Settings
from services import api_tokens
from services.clock import SystemClock
from services.db.engine import create_engine, session_factory
from services.errors import DomainError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("apitoken", help="create, list or revoke HTTP API tokens")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="make a token; it is printed only this once")
    create.add_argument("name", help="who uses it, e.g. website")
    actions.add_parser("list", help="list tokens (never their secrets)")
    revoke = actions.add_parser("revoke", help="refuse a token from now on")
    revoke.add_argument("id", type=int)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url)
    now = SystemClock().now()
    try:
        async with session_factory(engine)() as session:
            if args.action == "create":
                token = await api_tokens.create(session, None, args.name, now)
                print(f"token {token.token_id} ({token.name}); shown only this once:")
                print(token.secret)
            elif args.action == "list":
                for item in await api_tokens.listed(session, None):
                    state = "revoked" if item.revoked else "active"
                    used = item.last_used_at.isoformat() if item.last_used_at else "never"
                    print(f"{item.token_id}\t{item.name}\t{state}\tlast used {used}")
            else:
                revoked = await api_tokens.revoke(session, None, args.id, now)
                print(f"token {revoked.token_id} ({revoked.name}) revoked")
    except DomainError as error:
        print(f"apitoken: {error.code.value}")
        return 1
    finally:
        await engine.dispose()
    return 0
