"""What the sandbox page can do besides acting as users: people, roles, menus and time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from bot.app import App
from bot.sweeps.scheduler import Sweep
from emulator import Emulator
from emulator.inline import inline_settings
from sandbox.people import Person, Roster
from services.access import CUSTOMER, effective_role
from services.clock import ManualClock
from services.db.users import User

log = logging.getLogger(__name__)

MAX_JUMP = timedelta(days=366)


class World(Protocol):
    """The outside world of the side panel: a phone system and a website form."""

    features: dict[str, bool]
    base_url: str
    token: str

    async def missed_call(self, phone: str) -> Any: ...

    async def lead(self, name: str, phone: str, message: str) -> Any: ...


@dataclass
class Sandbox:
    emulator: Emulator
    roster: Roster
    clock: ManualClock
    app: App
    sweeps: Sequence[Sweep]
    url: str = ""
    world: World | None = None

    @property
    def features(self) -> dict[str, bool]:
        return dict(self.world.features) if self.world else {"calls": False, "leads": False}

    async def jump(self, delta: timedelta) -> datetime:
        """Move the bot's own clock, then let every sweep and the outbox see the new time."""
        if not timedelta(0) < delta <= MAX_JUMP:
            raise ValueError("a clock jump must be forward and at most a year")
        self.clock.advance(delta)
        await self.run_sweeps()
        return self.clock.now()

    async def run_sweeps(self) -> None:
        for sweep in self.sweeps:
            try:
                await sweep.run(self.app)
            except Exception:
                # One broken sweep must not hide what the others would show.
                log.exception("sweep %s failed", sweep.name)
        self.app.sender.wake()

    async def roles(self) -> dict[int, str]:
        """Roles as the bot sees them now (people join the team, managers are deactivated)."""
        async with self.app.sessions() as session:
            users = await session.scalars(
                select(User).where(User.tg_id.in_(list(self.roster.people)))
            )
            return {user.tg_id: effective_role(user) for user in users.all()}

    async def people(self) -> list[dict[str, Any]]:
        roles = await self.roles()
        return [self.describe(person, roles.get(person.tg_id)) for person in self.roster.ordered()]

    def describe(self, person: Person, role: str | None) -> dict[str, Any]:
        user = self.emulator.users[person.tg_id]
        return {
            "id": person.tg_id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "name": person.name,
            "language": person.language,
            "phone": person.phone,
            "role": role or CUSTOMER,
            "started": user.started,
            "blocked": user.blocked,
        }

    async def state(self) -> dict[str, Any]:
        return {
            "bot": self.emulator.bot_user(),
            "now": self.clock.now().isoformat(),
            "timezone": self.app.settings.timezone,
            "seq": len(self.emulator.bus.history),
            "people": await self.people(),
            "features": self.features,
            # Whether `@bot query` reaches the bot, and the hint a Telegram app shows for it.
            "inline": inline_settings(self.emulator),
        }

    def commands_for(self, tg_id: int) -> list[dict[str, Any]]:
        """The menu a Telegram client shows this user: the narrowest scope the bot set."""
        language = self.roster.people[tg_id].language
        chat = {"type": "chat", "chat_id": tg_id}
        for scope in (chat, {"type": "all_private_chats"}, None):
            for code in (language, ""):
                commands = self.emulator.commands(scope, code)
                if commands:
                    return commands
        return []
