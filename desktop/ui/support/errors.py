"""Turning exceptions into words an officer can act on: `user_message(exc)`, or None for a bug.

Known failures (service errors, a locked or full disk, a missing permission) get one clear message, in the
interface's language where the failure has words in both (`desktop.storage.failure_words`, shared with the
CLI); the dialogs that show them (a message box, or the bug dialog with the traceback) are in
`desktop/ui/dialogs/error.py`.
"""

from __future__ import annotations

from desktop import paths
from desktop.storage import failure_words
from desktop.ui.support import lang
from desktop.ui.support.sync_words import app_words


def user_message(exc: BaseException) -> str | None:
    """The message for a known failure, or None when it is a bug.

    Works for both drivers (sqlite3 for plain files, sqlcipher3 for the encrypted default) and through
    SQLAlchemy's DBAPIError wrappers (their `.orig` is the driver's error).
    """
    words = failure_words.user_message(exc, lang.current(), paths.data_dir())
    return app_words(words) if words is not None else None  # the sender's failures name the menu path
