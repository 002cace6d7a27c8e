"""The one root of errors the officer reads: Vietnamese text naming the field and the reason.

Everything below `UserError` is expected (bad input, a refused action, a database the officer can act
on) and is shown as its message; anything else is a bug and goes to the log and the bug dialog.
Storage, services, printing, the CLI and the UI all raise and catch these, so this module imports nothing.
"""

from __future__ import annotations


class UserError(Exception):
    """Base for expected, user-facing failures (as opposed to bugs); `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServiceError(UserError):
    """A domain rule refused the action (services, printing, import)."""


class ValidationError(ServiceError):
    """Bad input: which field, what value, why (Vietnamese)."""

    def __init__(self, field: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason


class PermissionDenied(ServiceError):
    """The logged-in operator's role does not allow this."""


class DatabaseError(UserError, RuntimeError):
    """A database problem the officer can act on (locked, wrong key, file damaged, disk full)."""


class DatabaseTooNew(DatabaseError):
    """The file was written by a newer EnrollPoint: install the newer version before opening it."""
