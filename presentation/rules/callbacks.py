"""Button data of /rules: short codes and ids only."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from presentation.callbacks import Number


class RulesAction(StrEnum):
    LIST = "l"
    OPEN = "o"
    SWITCH = "s"
    DELETE = "d"
    CONFIRM_DELETE = "x"
    TRY = "t"
    TEMPLATES = "tp"
    TEMPLATE = "tu"
    # Building a rule step by step, from scratch.
    BUILD = "b"


class RulesCb(CallbackData, prefix="ru"):
    """`rule_id` and `version` of the rule shown; `arg` a page or a template's index."""

    action: RulesAction
    rule_id: Number = 0
    version: Number = 0
    arg: Number = 0
