"""Buttons of a deal's documents and of a document in the customer's chat: ids only."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from presentation.callbacks import Number


class DocAction(StrEnum):
    LIST = "l"
    QUOTE = "q"
    INVOICE = "i"
    CONTRACT = "c"
    FILE = "f"
    SEND = "s"
    PAID = "p"
    DELIVERY = "d"


class DocCb(CallbackData, prefix="dc"):
    """`ref` is the document for FILE and SEND, the deal for the others."""

    action: DocAction
    ref: Number


class AnswerAction(StrEnum):
    ACCEPT = "a"
    ASK = "q"
    FILE = "f"


class AnswerCb(CallbackData, prefix="da"):
    """The customer's buttons under a document sent to them, and under their order's status."""

    action: AnswerAction
    document_id: Number
