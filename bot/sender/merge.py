"""Several notifications waiting for one chat become as few messages as possible: plain
texts without buttons are joined (in order, within Telegram's 4096 characters). A text that
only takes away the chat's keyboard (a request's confirmation, once the phone number's keyboard
is done with) is joined too: the joined message takes the keyboard away."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.client.default import Default
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Message, ReplyKeyboardRemove

from bot.sender.pacing import Priority
from bot.sender.renderers import Outgoing

TEXT_LIMIT = 4096
SEPARATOR = "\n\n"


@dataclass
class Piece:
    """One Bot API call; `done` are the rows whose last message it carries."""

    method: TelegramMethod[Message]
    kind: str
    priority: Priority = Priority.NOTICE
    deal_ids: set[int | None] = field(default_factory=set)
    done: list[int] = field(default_factory=list)
    # An edit made instead of `method`, unless Telegram refuses it (then cleared).
    edit: EditMessageText | None = None

    @property
    def deal_id(self) -> int | None:
        """A reply to the message finds its deal only when it speaks of one deal."""
        return next(iter(self.deal_ids)) if len(self.deal_ids) == 1 else None


def mergeable(method: TelegramMethod[Message]) -> bool:
    return (
        isinstance(method, SendMessage)
        and (method.reply_markup is None or isinstance(method.reply_markup, ReplyKeyboardRemove))
        and method.entities is None
        and method.reply_parameters is None
        and isinstance(method.parse_mode, Default)
    )


Rendered = tuple[int, str, Priority, list[Outgoing]]


def combine(rendered: list[Rendered]) -> list[Piece]:
    """Rows in order (id, kind, priority, what it renders to: at least one call) → the calls
    to make, in the same order; a call carrying several rows goes at the most urgent one's
    priority."""
    pieces: list[Piece] = []
    for row_id, kind, priority, outgoing in rendered:
        for item in outgoing:
            last = pieces[-1] if pieces else None
            # An edit is never joined with anything.
            edits = item.edit is not None or (last is not None and last.edit is not None)
            if last is not None and not edits and _fits(last.method, item.method):
                assert isinstance(last.method, SendMessage)
                assert isinstance(item.method, SendMessage)
                last.method = last.method.model_copy(
                    update={
                        "text": last.method.text + SEPARATOR + item.method.text,
                        "reply_markup": last.method.reply_markup or item.method.reply_markup,
                    }
                )
                last.deal_ids.add(item.deal_id)
                last.priority = min(last.priority, priority)
            else:
                pieces.append(Piece(item.method, kind, priority, {item.deal_id}, edit=item.edit))
        pieces[-1].done.append(row_id)
    return pieces


def _fits(previous: TelegramMethod[Message], method: TelegramMethod[Message]) -> bool:
    if not (mergeable(previous) and mergeable(method)):
        return False
    assert isinstance(previous, SendMessage) and isinstance(method, SendMessage)
    return len(previous.text) + len(SEPARATOR) + len(method.text) <= TEXT_LIMIT
