"""Callback data packed without its model reads back as the model packed it; a button copied
from a built one is the button built anew."""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardButton

from bot.callbacks import DealAction, DealCb, data_button, packed
from bot.deal_callbacks import CardAction, CardCb
from bot.followup_callbacks import ContractAction, ContractCb, RemindAction, RemindCb
from services.moments import Preset

IDS = [1, 42, 9_007_199_254_740_991]


@pytest.mark.parametrize("deal_id", IDS)
def test_packed_is_what_the_model_packs(deal_id: int) -> None:
    for action in CardAction:
        for arg in (0, 7):
            model = CardCb(action=action, deal_id=deal_id, version=3, arg=arg)
            data = packed(CardCb, action, deal_id, 3, arg)
            assert data == model.pack()
            assert CardCb.unpack(data) == model
    for deal_action in DealAction:
        assert (
            packed(DealCb, deal_action, deal_id)
            == DealCb(action=deal_action, deal_id=deal_id).pack()
        )
    for remind in RemindAction:
        for preset in Preset:
            assert (
                packed(RemindCb, remind, deal_id, preset)
                == RemindCb(action=remind, deal_id=deal_id, preset=preset).pack()
            )
    for contract in ContractAction:
        assert (
            packed(ContractCb, contract, deal_id)
            == ContractCb(action=contract, ref=deal_id).pack()
        )


def test_packed_refuses_missing_values_and_data_over_64_bytes() -> None:
    with pytest.raises(TypeError):
        packed(CardCb, CardAction.NOTE, 12, 3)
    with pytest.raises(ValueError):
        packed(CardCb, CardAction.NOTE, 10**30, 10**30, 0)


def test_a_data_button_is_the_button_built_anew() -> None:
    copied = data_button("✅ Take", "d:t:12")
    built = InlineKeyboardButton(text="✅ Take", callback_data="d:t:12")
    assert copied == built
    assert copied.model_fields_set == built.model_fields_set
    assert data_button("↩️ Reply", "d:r:12").text == "↩️ Reply"
