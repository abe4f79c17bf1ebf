"""Domain errors; handlers turn each into a translated answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; `code` picks the message shown."""

    code = "error"

    def __init__(self, code: str | None = None) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code


class AccessDenied(DomainError):
    code = "access_denied"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    code = "invalid_input"
