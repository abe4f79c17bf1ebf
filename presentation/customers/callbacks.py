"""Buttons of customer cards and the customer list: ids, versions and filter numbers only."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from presentation.callbacks import Number
from presentation.field_values import ValueAction

# What a list's buttons carry of its search, in UTF-8 bytes: the rest of a list's data takes
# up to 31 of Telegram's 64.
SEARCH_BYTES = 30


def searchable(text: str) -> str:
    """A search as the list's buttons can carry it: one line, no ":" (it parts the data),
    cut to SEARCH_BYTES."""
    words = " ".join(text.replace(":", " ").split())
    while len(words.encode()) > SEARCH_BYTES:
        words = words[:-1]
    return words.strip()


class CustomerAction(StrEnum):
    OPEN = "o"
    DEAL = "q"
    CARD = "c"
    EDIT = "e"
    PHONES = "p"
    ADD_PHONE = "a"
    MAIN = "m"
    DROP_PHONE = "d"
    LANGUAGES = "l"
    LANGUAGE = "g"
    TAGS = "t"
    ADD_TAGS = "n"
    DROP_TAG = "x"
    HISTORY = "h"


class CustomerCb(CallbackData, prefix="cu"):
    """`target` is the customer (for DEAL: the deal whose customer is opened); `version` the
    customer's version the card showed; `arg` a page (of requests or of the history), a detail,
    a phone, language or tag."""

    action: CustomerAction
    target: Number
    version: Number = 0
    arg: Number = 0


class CustomerValueCb(CallbackData, prefix="cw"):
    """The card's 🧾 Fields: `arg` is 1 yes / 0 no, or an option's index."""

    action: ValueAction
    customer_id: Number
    version: Number
    field_id: Number = 0
    arg: Number = 0


class ListAction(StrEnum):
    PAGE = "p"
    TAGS = "t"
    SOURCES = "s"
    ACTIVITY = "a"


class CustomerListCb(CallbackData, prefix="cx"):
    """The list at a page with its filters; `search` is what /customers was sent with."""

    action: ListAction
    page: Number
    tag: Number
    source: Number
    activity: Number
    search: str = ""
