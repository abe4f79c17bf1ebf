from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class NewRequest(StatesGroup):
    describing = State()
    phone = State()


class StaffReply(StatesGroup):
    writing = State()
