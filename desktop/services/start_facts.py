"""What the start needs before the login dialog, read over a bare DB-API connection (`Database.reader()`).

Why: SQLAlchemy with the ORM and the models is ~0.3 s of CPU, half of a start. The login dialog needs
only a few facts (the stored language, whether the commune is set up, whether a supervisor exists, the
officers' names for the combo), so these are read with hand-written SQL and the dialog paints before
SQLAlchemy is imported; the ORM is loaded on the worker while the officer types (`operations.auth.
prepare_login`), and the PIN check itself (`auth.login`: failed attempts, lockouts, the audit line)
stays in the ORM. Each function here answers exactly as its ORM twin (`config.get`, `config.commune`,
`auth.needs_first_operator`, `auth.operator_names`); a test holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.settings_keys import KEY_COMMUNE_CODE, KEY_LANGUAGE


@dataclass(frozen=True, slots=True)
class StartFacts:
    language: str  # the stored interface language ("" when none is stored)
    commune_set: bool  # False: the first-run set-up comes first
    needs_first_operator: bool  # no active supervisor yet: the first-operator dialog, not the login


def setting(conn: Any, key: str, default: str = "") -> str:
    """`config.get` over a DB-API connection."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row is not None and row[0] is not None else default


def commune_set(conn: Any) -> bool:
    """`config.commune(...) is not None`: the commune's code is stored and not empty."""
    return bool(setting(conn, KEY_COMMUNE_CODE))


def needs_first_operator(conn: Any) -> bool:
    """`auth.needs_first_operator`: no active supervisor yet."""
    row = conn.execute("SELECT count(*) FROM operators WHERE role = 'supervisor' AND active").fetchone()
    return not row[0]


def operator_names(conn: Any) -> list[str]:
    """`auth.operator_names`: the active officers' names, sorted as the ORM sorts them (by name)."""
    return [r[0] for r in conn.execute("SELECT name FROM operators WHERE active ORDER BY name")]


def read(conn: Any) -> StartFacts:
    """The three facts `desktop.app` decides the start with, in one read transaction."""
    return StartFacts(setting(conn, KEY_LANGUAGE), commune_set(conn), needs_first_operator(conn))
