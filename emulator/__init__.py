"""A local Telegram Bot API emulator for tests, benchmarks and the browser sandbox."""

from __future__ import annotations

from .core import DEFAULT_TOKEN, Emulator
from .errors import ApiError, EmulatorUsageError
from .events import Subscription
from .groups import EmulatedGroup
from .models import (
    CallbackAnswer,
    CallbackRecord,
    Event,
    InlineAnswer,
    InlineQueryRecord,
    Limits,
    RateLimitRecord,
    RequestRecord,
    StoredMessage,
)
from .runner import RunningEmulator, start_emulator
from .server import create_app
from .users import EmulatedUser
from .validation import Upload

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "CallbackAnswer",
    "CallbackRecord",
    "EmulatedGroup",
    "EmulatedUser",
    "Emulator",
    "EmulatorUsageError",
    "Event",
    "InlineAnswer",
    "InlineQueryRecord",
    "Limits",
    "RateLimitRecord",
    "RequestRecord",
    "RunningEmulator",
    "StoredMessage",
    "Subscription",
    "Upload",
    "create_app",
    "start_emulator",
]
