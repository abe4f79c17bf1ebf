"""Inline-button payloads: short prefixes and ids only, well within 64 bytes. Button data can be
forged: a number out of range does not match its button's filter, and the press gets the
fallback's answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from services.ids import MAX_ID

# An id, version, page or index: 0 (none) up to the largest id the database holds.
Number = Annotated[int, Field(ge=0, le=MAX_ID)]


class MenuAction(StrEnum):
    NEW = "n"
    MINE = "m"
    LANGUAGE = "l"


class MenuCb(CallbackData, prefix="m"):
    action: MenuAction


class LangCb(CallbackData, prefix="l"):
    code: str
