"""The one root of errors the officer reads: Vietnamese text naming the field and the reason.

Everything below `UserError` is expected (bad input, a refused action, a database the officer can act
on) and is shown as its message; anything else is a bug and goes to the log and the bug dialog.
Storage, services, printing, the CLI and the UI all raise and catch these, so this module imports nothing
(`Message` only for annotations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.messages import Message


class UserError(Exception):
    """Base for expected, user-facing failures (as opposed to bugs); `message` is Vietnamese.

    Raised with a `desktop.messages.Message` (and its parameters), it also has English words for the UI's
    English mode: `words("en")`.
    """

    def __init__(self, message: str, *, en: str | None = None, msg: Message | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.en = en
        self.msg = msg
        self.params = params or {}

    def words(self, lang: str = "vi") -> str:
        """The message in `lang` when it has one there (`en`, or a `Message`), else the Vietnamese message."""
        if self.msg is not None:
            return self.msg.text(lang, **self.params)
        return self.en if lang == "en" and self.en else self.message


class ServiceError(UserError):
    """A domain rule refused the action (services, printing, import)."""


class ValidationError(ServiceError):
    """Bad input: which field, what value, why (Vietnamese)."""

    def __init__(self, field: str, value: str | None, reason: str, *, en: str | None = None) -> None:
        super().__init__(reason, en=en)
        self.field = field
        self.value = value
        self.reason = reason


class PermissionDenied(ServiceError):
    """The logged-in operator's role does not allow this."""


class DatabaseError(UserError, RuntimeError):
    """A database problem the officer can act on (locked, wrong key, file damaged, disk full)."""


class DatabaseTooNew(DatabaseError):
    """The file was written by a newer EnrollPoint: install the newer version before opening it."""


class UsageError(UserError):
    """Unusable command-line input (an unknown option, a date that is not one): one line, exit 2."""
