"""Errors the services raise for the officer to read: Vietnamese text naming the field and the reason."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for expected, user-facing failures (as opposed to bugs)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad input: which field, what value, why (Vietnamese)."""

    def __init__(self, field: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason


class PermissionDenied(ServiceError):
    """The logged-in operator's role does not allow this."""
