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
    priority. Edits of cards are never joined with texts, but they do not keep texts apart
    (many changes in a row redraw each card once and say so in one message), and a card
    redrawn twice is edited once: both draw it as it is now."""
    pieces: list[Piece] = []
    for row_id, kind, priority, outgoing in rendered:
        target: Piece | None = None
        for item in outgoing:
            target = _joining(pieces, item)
            if target is None:
                pieces.append(Piece(item.method, kind, priority, {item.deal_id}, edit=item.edit))
                target = pieces[-1]
            elif item.edit is None:
                assert isinstance(target.method, SendMessage)
                assert isinstance(item.method, SendMessage)
                target.method = target.method.model_copy(
                    update={
                        "text": target.method.text + SEPARATOR + item.method.text,
                        "reply_markup": target.method.reply_markup or item.method.reply_markup,
                    }
                )
                target.deal_ids.add(item.deal_id)
            target.priority = min(target.priority, priority)
        assert target is not None, "a row renders to at least one call"
        target.done.append(row_id)
    return pieces


def _joining(pieces: list[Piece], item: Outgoing) -> Piece | None:
    """The piece that takes `item` in: the same card's edit, or the last text (past edits)."""
    if item.edit is not None:
        shown = (item.edit.chat_id, item.edit.message_id)
        same = (p for p in pieces if p.edit and (p.edit.chat_id, p.edit.message_id) == shown)
        return next(same, None)
    for piece in reversed(pieces):
        if piece.edit is None:
            return piece if _fits(piece.method, item.method) else None
    return None


def _fits(previous: TelegramMethod[Message], method: TelegramMethod[Message]) -> bool:
    if not (mergeable(previous) and mergeable(method)):
        return False
    assert isinstance(previous, SendMessage) and isinstance(method, SendMessage)
    return len(previous.text) + len(SEPARATOR) + len(method.text) <= TEXT_LIMIT
