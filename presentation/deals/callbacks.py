"""Buttons of deal cards, deal lists and the stage editor: ids and versions only, never names."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from presentation.callbacks import Number


class DealAction(StrEnum):
    TAKE = "t"
    REPLY = "r"


class DealCb(CallbackData, prefix="d"):
    action: DealAction
    deal_id: Number


class CardAction(StrEnum):
    CARD = "c"
    NEXT = "n"
    STAGES = "s"
    STAGE = "g"
    AMOUNT = "a"
    NOTE = "o"
    LOST = "l"
    LOSE = "x"
    HANDOVER = "r"
    ASSIGN = "m"
    HISTORY = "h"
    REOPEN = "u"
    MERGE = "j"
    CONFIRM_MERGE = "k"
    RESERVE = "b"
    MORE = "v"


class CardCb(CallbackData, prefix="dk"):
    """`version` is the deal version the card showed; `arg` is a stage (for RESERVE: the one a
    move beyond the stock was confirmed into), person, reason, page or (for MERGE) the customer
    the card's customer would join."""

    action: CardAction
    deal_id: Number
    version: Number
    arg: Number = 0


class ListAction(StrEnum):
    PAGE = "p"
    STAGES = "s"


class DealListCb(CallbackData, prefix="dq"):
    action: ListAction
    page: Number
    stage_id: Number
    idle: bool


class DealOpenCb(CallbackData, prefix="do"):
    deal_id: Number


class StageAction(StrEnum):
    LIST = "l"
    SHOW = "v"
    UP = "u"
    DOWN = "d"
    NOTIFY = "n"
    RESERVES = "s"
    RENAME = "r"
    DELETE = "x"
    MOVE_TO = "m"
    ADD = "a"


class StageCb(CallbackData, prefix="sg"):
    """`arg` is the language index for RENAME and the target stage for MOVE_TO."""

    action: StageAction
    stage_id: Number = 0
    arg: Number = 0


class ItemAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    QUANTITY = "q"
    MEASURES = "m"
    REMOVE = "x"
    DISCOUNT = "d"
    UNDISCOUNT = "u"
    PICK = "p"
    USE = "s"


class ItemCb(CallbackData, prefix="it"):
    """`version` is the deal's as the screen showed it; `arg` an item, product, measurement
    or discount; `arg2` the measurements a product is counted from (USE)."""

    action: ItemAction
    deal_id: Number
    version: Number
    arg: Number = 0
    arg2: Number = 0
