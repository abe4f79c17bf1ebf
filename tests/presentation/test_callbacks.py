"""Button data round-trips through aiogram's CallbackData; forged numbers out of range don't."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData

from presentation.contracts import ContractAction, ContractCb
from presentation.deals.callbacks import CardAction, CardCb, DealAction, DealCb
from presentation.tasks import RemindAction, RemindCb
from services.ids import MAX_ID
from services.moments import Preset

IDS = [1, 42, MAX_ID]


@pytest.mark.parametrize("deal_id", IDS)
def test_button_data_reads_back_as_packed(deal_id: int) -> None:
    made: list[CallbackData] = [
        CardCb(action=action, deal_id=deal_id, version=3, arg=arg)
        for action in CardAction
        for arg in (0, 7)
    ]
    made += [DealCb(action=action, deal_id=deal_id) for action in DealAction]
    made += [
        RemindCb(action=action, deal_id=deal_id, preset=preset)
        for action in RemindAction
        for preset in Preset
    ]
    made += [ContractCb(action=action, ref=deal_id) for action in ContractAction]
    for data in made:
        assert type(data).unpack(data.pack()) == data


@pytest.mark.parametrize(
    ("kind", "forged"),
    [
        (DealCb, f"d:t:{MAX_ID + 1}"),
        (DealCb, "d:t:99999999999999999999999"),
        (DealCb, "d:t:-1"),
        (CardCb, f"dk:n:5:{MAX_ID + 1}:0"),
        (ContractCb, "ct:e:1e9"),
    ],
)
def test_forged_numbers_out_of_range_are_refused(kind: type[CallbackData], forged: str) -> None:
    with pytest.raises(ValueError):
        kind.unpack(forged)
