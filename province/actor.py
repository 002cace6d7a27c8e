"""Who an admin action is written down as in the audit: "admin" on the dashboard's own paths, and on the
command line "admin (os: <user>)" — the operating-system account that ran `enrollpoint-hub`, so two province
staff sharing the server are told apart. Set once per CLI run; read by `admin.audit`."""

from __future__ import annotations

import getpass
from contextvars import ContextVar, Token

ADMIN = "admin"
_current: ContextVar[str] = ContextVar("hub_admin_actor", default=ADMIN)


def os_user() -> str:
    """The login name of the process's user ("?" when the system cannot say, e.g. a uid with no passwd row)."""
    try:
        return getpass.getuser()[:40] or "?"
    except (OSError, KeyError, ImportError):
        return "?"


def set_command_line() -> Token[str]:
    """This run is an `enrollpoint-hub` command by someone at a terminal or a script; `reset` ends it (a
    caller running several commands in one process, as the tests do, leaves no trace on the next)."""
    return _current.set(f"{ADMIN} (os: {os_user()})"[:64])


def reset(token: Token[str]) -> None:
    _current.reset(token)


def admin_actor(actor: str) -> str:
    """`actor` as it will be stored: the plain "admin" becomes this run's admin (with its OS user)."""
    return _current.get() if actor == ADMIN else actor
