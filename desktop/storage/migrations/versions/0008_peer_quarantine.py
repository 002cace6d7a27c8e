"""Entries from other laptops that failed the field checks are kept aside with their reason
(`peer_quarantine`), never merged; the entry itself stays in `peer_log` so the sender's sequence has no hole.

Values a laptop of the group merged before these checks existed (a birth date `true`, an event time
"not-a-time") made `status` and `search` crash: they are repaired here by one frozen rule, the same on every
laptop — a date, time or number column holding something else becomes NULL when it may, otherwise the
row's other time (an event's `recorded_at`, its `occurred_on` at midnight) or the epoch of the register
(2000-01-01). Each repair is written to the audit trail (table, field, row; never the value). The
change-log triggers see the repair as a local change, so the repaired value travels like any edit.

Revision ID: 0008_peer_quarantine
Revises: 0007_peer_clock
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_peer_quarantine"
down_revision = "0007_peer_clock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer_quarantine",
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("gid", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", "seq", name=op.f("pk_peer_quarantine")),
    )
    _repair()


# Frozen: the shared tables' date, time and number columns as of this revision (nullable?).
_DATE, _DATETIME, _TIME, _INT = "date", "datetime", "time", "int"
_COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    "citizens": [("birth_date", _DATE, True), ("birth_year", _INT, True), ("card_issued_on", _DATE, True),
                 ("created_at", _DATETIME, False), ("needs_home_visit", _INT, False), ("elderly", _INT, False),
                 ("disabled", _INT, False), ("card_known", _INT, False), ("vneid_known", _INT, False)],
    "status_events": [("occurred_on", _DATE, False), ("recorded_at", _DATETIME, False),
                      ("occurred_at", _DATETIME, False)],
    "enrollment_sessions": [("day", _DATE, False), ("start_time", _TIME, False), ("end_time", _TIME, False),
                            ("created_at", _DATETIME, False), ("slot_minutes", _INT, False), ("kits", _INT, False),
                            ("minutes_per_person", _INT, False)],
    "appointments": [("slot_start", _TIME, False), ("created_at", _DATETIME, False)],
    "points": [("active", _INT, False)],
}
_EPOCH = {_DATE: "2000-01-01", _DATETIME: "2000-01-01 00:00:00.000000", _TIME: "00:00:00.000000", _INT: 0}


def _ok(kind: str, value: Any) -> bool:
    if value is None:
        return True
    try:
        if kind == _INT:
            return isinstance(value, int)
        if not isinstance(value, str):
            return False
        if kind == _DATE:
            return len(value) == 10 and 1900 <= dt.date.fromisoformat(value).year <= 2100
        if kind == _DATETIME:
            return 1900 <= dt.datetime.fromisoformat(value).year <= 2100
        dt.time.fromisoformat(value)
        return True
    except ValueError:
        return False


def _replacement(table: str, kind: str, nullable: bool, row: dict[str, Any]) -> Any:
    if nullable:
        return None
    if table == "status_events" and kind == _DATETIME and _ok(_DATETIME, row.get("recorded_at")):
        return row["recorded_at"]
    if table == "status_events" and kind == _DATETIME and _ok(_DATE, row.get("occurred_on")):
        return f"{row['occurred_on']} 00:00:00.000000"
    if table == "status_events" and kind == _DATE and _ok(_DATETIME, row.get("occurred_at")):
        return str(row["occurred_at"])[:10]
    return _EPOCH[kind]


def _repair() -> None:
    conn = op.get_bind()
    now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    for table, cols in _COLUMNS.items():
        names = [c for c, _k, _n in cols]
        for row_values in conn.exec_driver_sql(f"SELECT id, {', '.join(names)} FROM {table}").fetchall():
            row = dict(zip(["id", *names], row_values, strict=True))
            for name, kind, nullable in cols:
                if _ok(kind, row[name]):
                    continue
                row[name] = _replacement(table, kind, nullable, row)
                conn.exec_driver_sql(f"UPDATE {table} SET {name} = ? WHERE id = ?", (row[name], row["id"]))
                conn.exec_driver_sql(
                    "INSERT INTO audit_log(at, operator_id, action, entity, entity_id, detail) VALUES (?, NULL, ?, ?, ?, ?)",
                    (now, "peer_repair", table, row["id"], f"{name}: giá trị sai kiểu do máy khác gửi, đã sửa"))


def downgrade() -> None:
    op.drop_table("peer_quarantine")
