"""What keeps the bot's work per update small when many arrive: shared reads, kept models."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods import Response, SendMessage

from tests.harness import Harness, person


async def test_the_model_reading_an_answer_is_built_once_per_method(tg: Harness) -> None:
    [sent] = await tg.send(person(100, "Leyla"), "/start")
    assert isinstance(sent, SendMessage)
    model = weakref.ref(Response[SendMessage.__returning__])  # type: ignore[name-defined]
    # pydantic holds such a model only weakly: unless the bot keeps it, a collection drops
    # it and the next answer builds it anew, a class per call.
    gc.collect()
    assert model() is not None
