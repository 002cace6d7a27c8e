"""The audit trail of the laptop database in the test's data folder, as the tests read it back."""

from __future__ import annotations

from desktop.services import auth
from desktop.storage.db import open_database


def audit_actions() -> list[str]:
    """The actions of the first 100 audit entries of the default database (ENROLLPOINT_DATA_DIR)."""
    db = open_database()
    try:
        with db.session() as s:
            return [r.action for r in auth.audit_entries(s, 0, 100)]
    finally:
        db.close()
