"""The people with a phone in the sandbox: who they are in Telegram and in which order."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import EmulatedUser, Emulator

OWNER_ID = 1001
FIRST_MANAGER_ID = 2001
FIRST_CUSTOMER_ID = 3001
LANGUAGES = ("en", "az", "ru")

# Names for customers added with the button when nobody typed one.
SPARE_NAMES = (
    ("Leyla", "en"),
    ("Kamala", "az"),
    ("Irina", "ru"),
    ("Tom", "en"),
    ("Gunel", "az"),
    ("Pavel", "ru"),
    ("Emma", "en"),
    ("Farid", "az"),
    ("Marina", "ru"),
)


@dataclass(frozen=True)
class Person:
    tg_id: int
    first_name: str
    last_name: str | None
    language: str
    phone: str

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def phone_for(tg_id: int) -> str:
    """A valid Azerbaijani mobile number, unique per sandbox user."""
    return f"+99450{2_000_000 + tg_id:07d}"


class Roster:
    """Sandbox users in the order their phones are shown: owner, managers, customers."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.people: dict[int, Person] = {}

    def add(
        self, tg_id: int, first_name: str, language: str, last_name: str | None = None
    ) -> EmulatedUser:
        person = Person(tg_id, first_name, last_name, language, phone_for(tg_id))
        self.people[tg_id] = person
        return self.emulator.user(
            tg_id,
            first_name,
            last_name=last_name,
            language_code=language,
            phone_number=person.phone,
        )

    def add_customer(self, first_name: str = "", language: str = "") -> Person:
        """A new Telegram user who has not opened the bot yet."""
        tg_id = max([FIRST_CUSTOMER_ID - 1, *self.people]) + 1
        spare_name, spare_language = SPARE_NAMES[(tg_id - FIRST_CUSTOMER_ID) % len(SPARE_NAMES)]
        name = " ".join(first_name.split())[:64] or spare_name
        self.add(tg_id, name, language if language in LANGUAGES else spare_language)
        return self.people[tg_id]

    def ordered(self) -> list[Person]:
        return sorted(self.people.values(), key=lambda p: p.tg_id)
