"""A USB file whose import was cut half-way (power, a killed process): said at the next start and in
`peer status` / the panel until the file is imported again.

Each page of a file is applied in its own transaction, so a cut keeps whole pages only: consistent, but
part of the register may be missing (citizens without a part of their events, statuses lagging). The
import writes a notice (a `peer_conflicts` row of kind `import_unfinished`, committed before the first
page) and removes it after the last page; a notice still there means the import did not finish.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # light commands read notices() at start without loading SQLAlchemy
    from sqlalchemy.orm import Session

KIND = "import_unfinished"


def begin(session: Session, file_id: str, file_name: str) -> None:
    from desktop.storage.connect import driver_connection

    now = dt.datetime.now().replace(microsecond=0)
    detail = (f"Tệp đồng bộ '{file_name[:80]}' chưa được nhập hết (bị dừng lúc {now:%H:%M %d/%m/%Y}): sổ có thể "
              "thiếu một phần. Nhập lại tệp đó (enrollpoint peer import) — nhập lại không tạo bản ghi trùng")
    driver_connection(session).execute(
        "INSERT OR REPLACE INTO peer_conflicts(key, kind, detail, created_at, resolved) VALUES (?, ?, ?, ?, 0)",
        (f"import:{file_id}", KIND, detail, now))


def done(session: Session, file_id: str) -> None:
    """The file is in whole: its notice goes."""
    from desktop.storage.connect import driver_connection

    driver_connection(session).execute("DELETE FROM peer_conflicts WHERE key = ?", (f"import:{file_id}",))


def notices(conn: Any) -> list[str]:
    """What to say at start (a DB-API connection: light commands never load the ORM)."""
    return [d for (d,) in conn.execute(
        "SELECT detail FROM peer_conflicts WHERE kind = ? AND resolved = 0 ORDER BY id", (KIND,)).fetchall()]


def pending(session: Session) -> list[str]:
    """notices() in a session (the app's start)."""
    from desktop.storage.connect import driver_connection

    return notices(driver_connection(session))
