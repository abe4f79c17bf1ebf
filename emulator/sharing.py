"""What a user passes on to the bot from elsewhere: a message someone else wrote (forwarded,
with its origin as Telegram tells it) and a contact from their phone book."""

from __future__ import annotations

from typing import Any

from .errors import EmulatorUsageError
from .state import EmulatorState


def origin_of(emu: EmulatorState, user_id: int, hidden: bool, date: int) -> dict[str, Any]:
    """A MessageOrigin for a message `user_id` wrote at `date`: the account itself, or with
    `hidden` (the writer does not let forwards link to them) only their name."""
    writer = emu.users.get(user_id)
    if writer is None:
        raise EmulatorUsageError(f"no user {user_id} to forward a message of")
    if hidden:
        name = " ".join(part for part in (writer.first_name, writer.last_name) if part)
        return {"type": "hidden_user", "date": date, "sender_user_name": name}
    return {"type": "user", "date": date, "sender_user": writer.to_user()}


def phone_book_contact(
    phone_number: str, first_name: str, last_name: str | None, user_id: int | None
) -> dict[str, Any]:
    """A Contact as Telegram sends it from the phone book: `user_id` only when the number
    belongs to a Telegram account."""
    if not phone_number or not first_name:
        raise EmulatorUsageError("a contact needs a phone number and a first name")
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
    if last_name:
        contact["last_name"] = last_name
    if user_id is not None:
        contact["user_id"] = user_id
    return contact
