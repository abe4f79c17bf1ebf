"""Callback data packed without its model reads back as the model packed it; a button copied
from a built one is the button built anew."""

from __future__ import annotations

from enum import StrEnum

import pytest
from aiogram.filters.callback_data import CallbackData
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


class Mood(StrEnum):
    WIDE = "ş" * 30
    SPLIT = "a:b"


class MoodCb(CallbackData, prefix="mo"):
    mood: Mood
    deal_id: int


def test_packed_refuses_what_the_model_would_not_pack_alike() -> None:
    with pytest.raises(TypeError):
        packed(CardCb, CardAction.NOTE, 12, 3)
    with pytest.raises(TypeError):
        packed(DealCb, DealAction.TAKE, True)
    with pytest.raises(ValueError, match="':'"):
        packed(MoodCb, Mood.SPLIT, 12)
    # 64 characters, but 94 bytes: Telegram counts bytes.
    with pytest.raises(ValueError, match="64 bytes"):
        packed(MoodCb, Mood.WIDE, 10**29)
    with pytest.raises(ValueError):
        MoodCb(mood=Mood.WIDE, deal_id=10**29).pack()


def test_a_data_button_is_the_button_built_anew() -> None:
    copied = data_button("✅ Take", "d:t:12")
    built = InlineKeyboardButton(text="✅ Take", callback_data="d:t:12")
    assert copied == built
    assert copied.model_fields_set == built.model_fields_set
    assert data_button("↩️ Reply", "d:r:12").text == "↩️ Reply"
