"""What a conversation step remembers is a typed payload: it goes through the storage as JSON,
reads what earlier versions wrote, and a step whose data can't be read ends with a clear
"start again" instead of a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import select

from handlers.contracts import ContractFields, ContractInput, NotRenewing
from handlers.deal_inputs import CardInput
from handlers.payloads import Payload, StepExpired, load, save
from handlers.stages import AddingStage, RenamingStage
from handlers.states import NewRequest, ReplyTo, RequestDraft
from handlers.tasks import MomentFor, NoteFor
from services.content import Attachment, Content
from services.db.deals import Deal
from tests.support.calls import sent_to
from tests.support.harness import OWNER_ID, Harness, person

EXPIRED = "I no longer know what that answer was for, so nothing was changed. Please start again."


class JsonStorage(MemoryStorage):
    """Keeps the data as the Redis and database storages do: as JSON."""

    async def set_data(self, key: StorageKey, data: Any) -> None:
        await super().set_data(key, json.loads(json.dumps(data)))


def context() -> FSMContext:
    return FSMContext(JsonStorage(), StorageKey(bot_id=1, chat_id=2, user_id=2))


PAYLOADS: list[Payload] = [
    ContractFields(deal_id=7),
    NotRenewing(contract_id=3),
    CardInput(deal_id=7, version=2, card_message_id=900),
    AddingStage(editor_message_id=41),
    RenamingStage(editor_message_id=41, stage_id=2, language="az"),
    RequestDraft.of(Content("Need chairs", (Attachment("photo", "AgAD", "the old ones"),))),
    ReplyTo(deal_id=7),
    MomentFor(deal_id=7, picker=55),
    NoteFor(task_id=9),
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: type(p).__name__)
async def test_a_payload_goes_through_json_unchanged(payload: Payload) -> None:
    state = context()
    await save(state, payload)
    assert await load(state, type(payload)) == payload


# What the version before typed payloads wrote, by update_data(**keys).
OLD_DATA: list[tuple[dict[str, Any], Payload]] = [
    ({"deal_id": 7}, ContractFields(deal_id=7)),
    ({"contract_id": 3}, NotRenewing(contract_id=3)),
    (
        {"deal_id": 7, "version": 2, "card_message_id": 900},
        CardInput(deal_id=7, version=2, card_message_id=900),
    ),
    ({"deal_id": 7, "picker": 55}, MomentFor(deal_id=7, picker=55)),
    ({"task_id": 9}, NoteFor(task_id=9)),
    ({"deal_id": 7}, ReplyTo(deal_id=7)),
    ({"editor_message_id": 41}, AddingStage(editor_message_id=41)),
    (
        {"stage_id": 2, "language": "az", "editor_message_id": 41},
        RenamingStage(editor_message_id=41, stage_id=2, language="az"),
    ),
    (
        {"text": "Need chairs", "files": [["photo", "AgAD", ""]]},
        RequestDraft(text="Need chairs", files=(("photo", "AgAD", ""),)),
    ),
    ({}, RequestDraft()),
]


@pytest.mark.parametrize("data,payload", OLD_DATA, ids=lambda v: type(v).__name__)
async def test_data_written_by_the_version_before_still_loads(
    data: dict[str, Any], payload: Payload
) -> None:
    state = context()
    await state.set_data(data)
    assert await load(state, type(payload)) == payload


@pytest.mark.parametrize(
    "data,kind",
    [
        ({}, CardInput),
        ({"deal_id": 7}, MomentFor),
        ({"deal_id": "seven"}, ReplyTo),
        ({"files": "AgAD"}, RequestDraft),
    ],
)
async def test_data_that_is_not_the_payload_expires_the_step(
    data: dict[str, Any], kind: type[Payload]
) -> None:
    state = context()
    await state.set_data(data)
    with pytest.raises(StepExpired):
        await load(state, kind)


def key(tg: Harness, user_id: int) -> StorageKey:
    return StorageKey(bot_id=tg.app.bot.id, chat_id=user_id, user_id=user_id)


async def test_an_answer_to_a_step_it_cannot_read_is_told_to_start_again(tg: Harness) -> None:
    """A step left open by another version, its data not of this one's shape: the answer is
    refused in words, and the step is over, so the next message is not refused the same way."""
    olga = person(OWNER_ID, "Olga")
    await tg.send(olga, "/start")
    storage = tg.app.dispatcher.storage
    await storage.set_state(key(tg, olga.id), ContractInput.reason)
    await storage.set_data(key(tg, olga.id), {"deal_id": 1})
    [refused] = await tg.send(olga, "No budget this year")
    assert refused.text == EXPIRED
    assert await storage.get_state(key(tg, olga.id)) is None
    assert all(call.text != EXPIRED for call in await tg.send(olga, "No budget this year"))


async def test_a_request_begun_before_an_upgrade_is_finished_after_it(tg: Harness) -> None:
    leyla = person(100, "Leyla")
    await tg.send(leyla, "/start")
    storage = tg.app.dispatcher.storage
    await storage.set_state(key(tg, leyla.id), NewRequest.phone)
    await storage.set_data(key(tg, leyla.id), {"text": "Need a plumber", "files": []})
    assert await tg.send(leyla, "Skip") == []
    [confirm] = sent_to(await tg.deliver(), leyla.id)
    assert confirm.text == "Request #1 received — we will contact you soon."
    async with tg.app.sessions() as session:
        assert await session.scalar(select(Deal.title)) == "Need a plumber"
