"""What a conversation remembers between the bot's question and the typed answer, typed: each
flow's payload is a frozen model kept next to its states, written with `save` and read back
with `load`. The storage keeps it as JSON (bot/fsm/), so its fields are ints, strs and lists
of them; the field names are the keys earlier versions wrote, so a step begun before an
upgrade is finished after it."""

from __future__ import annotations

from typing import TypeVar

from aiogram.fsm.context import FSMContext
from pydantic import BaseModel, ConfigDict, ValidationError

from services.errors import DomainError, ErrorCode


class Payload(BaseModel):
    """One flow's remembered values. Keys it doesn't name (another flow's leftovers) are
    ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


P = TypeVar("P", bound=Payload)


class StepExpired(DomainError):
    """The step's remembered values can't be read as its payload (written by another
    version, or lost): the step ends and the reader is asked to start again."""

    code = ErrorCode.STEP_EXPIRED
    ends_step = True


async def save(state: FSMContext, payload: Payload) -> None:
    """Remember `payload` as the conversation's data, in place of what was there."""
    await state.set_data(payload.model_dump(mode="json"))


async def load(state: FSMContext, kind: type[P]) -> P:
    """The payload the step was asked with; StepExpired when there is none to read."""
    try:
        return kind.model_validate(await state.get_data())
    except ValidationError as error:
        raise StepExpired() from error
