from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup

from handlers.payloads import Payload
from services.content import Attachment, Content


class NewRequest(StatesGroup):
    describing = State()
    phone = State()


class RequestDraft(Payload):
    """NewRequest.phone: what the customer described, kept until the phone number comes.
    Each file is (kind, file_id, caption). Both fields may be missing: an empty draft."""

    text: str = ""
    files: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def of(cls, content: Content) -> RequestDraft:
        return cls(
            text=content.text,
            files=tuple((a.kind, a.file_id, a.caption) for a in content.attachments),
        )

    @property
    def content(self) -> Content:
        return Content(self.text, tuple(Attachment(*file) for file in self.files))


class StaffReply(StatesGroup):
    writing = State()


class ReplyTo(Payload):
    """StaffReply.writing: the deal whose customer the reply goes to."""

    deal_id: int
