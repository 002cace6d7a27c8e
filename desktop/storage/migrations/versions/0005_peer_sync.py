"""Peer sync between a commune's laptops: global ids, origin device, change log.

Every shared table (citizens, status_events, points, enrollment_sessions, appointments) gains `gid` (a
global id: a citizen with an ID number gets uuid5(commune, ID number), so two laptops that imported the
same list converge; every other row a time-ordered random id) and `origin` (the laptop that made it).
This database gets its device id (settings `peer.device_id`), and every existing row is backfilled with a
gid and this device as origin: nothing is deleted or rewritten besides the two new columns.

Triggers put each inserted or changed shared row into `peer_pending`; services/peer/stamp.py turns those
into change-log entries. Every existing row is queued there too, so the first stamp logs the whole
register as this laptop's history. The derivations below repeat services/peer/ids.py on purpose: a
migration must not change meaning when application code moves.

Revision ID: 0005_peer_sync
Revises: 0004_known_status_village_targets
"""

from __future__ import annotations

import os
import time
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005_peer_sync"
down_revision = "0004_known_status_village_targets"
branch_labels = None
depends_on = None

CITIZEN_NAMESPACE = uuid.UUID("6f1b6a52-27c1-4b8e-9a57-0c7d3f1e9a10")
BATCH = 5000

# table → (entity name, columns whose change is shared)
SHARED = {
    "citizens": ("citizen", (
        "id_number", "old_cmnd", "full_name_raw", "full_name", "birth_date", "birth_year", "sex", "village",
        "address", "phone", "needs_home_visit", "elderly", "disabled", "card_issued_on", "card_known",
        "vneid_known", "note")),
    "status_events": ("event", ()),  # append-only: inserts only
    "points": ("point", ("code", "name", "address", "kind", "active")),
    "enrollment_sessions": ("session", (
        "point_id", "day", "start_time", "end_time", "slot_minutes", "kits", "minutes_per_person", "state",
        "note")),
    "appointments": ("appointment", ("code", "citizen_id", "session_id", "slot_start", "purpose", "state",
                                     "rescheduled_from_id")),
}


def _uuid7() -> str:
    ms = int(time.time() * 1000) & ((1 << 48) - 1)
    rnd = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rnd >> 62) & 0xFFF) << 64 | (0b10 << 62) | (rnd & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def _citizen_gid(commune: str, id_number: str) -> str:
    return str(uuid.uuid5(CITIZEN_NAMESPACE, f"{commune}:{id_number}"))


def _point_gid(commune: str, code: str) -> str:
    return str(uuid.uuid5(CITIZEN_NAMESPACE, f"point:{commune}:{code}"))


def triggers() -> list[str]:
    out = []
    for table, (entity, cols) in SHARED.items():
        # A row the merge writes arrives with its gid; one the app writes has none yet (stamp gives it).
        out.append(f"CREATE TRIGGER peer_{table}_ai AFTER INSERT ON {table} WHEN new.gid IS NULL BEGIN "
                   f"INSERT INTO peer_pending(entity, row_id) VALUES ('{entity}', new.id); END")
        if cols:
            out.append(f"CREATE TRIGGER peer_{table}_au AFTER UPDATE OF {', '.join(cols)} ON {table} BEGIN "
                       f"INSERT INTO peer_pending(entity, row_id) VALUES ('{entity}', new.id); END")
    return out


def upgrade() -> None:
    op.create_table(
        "peer_log",
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.String(length=48), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("gid", sa.String(length=36), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("origin", "seq", name=op.f("pk_peer_log")),
    )
    op.create_index(op.f("ix_peer_log_applied"), "peer_log", ["applied"], unique=False)
    op.create_table(
        "peer_rows",
        sa.Column("gid", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("gid", name=op.f("pk_peer_rows")),
    )
    op.create_index("ix_peer_rows_row", "peer_rows", ["entity", "row_id"], unique=True)
    op.create_table(
        "peer_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_pending")),
    )
    op.create_table(
        "peer_alias",
        sa.Column("gid", sa.String(length=36), nullable=False),
        sa.Column("canonical", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("gid", name=op.f("pk_peer_alias")),
    )
    op.create_table(
        "peer_devices",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_vv", sa.Text(), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_peer_devices")),
    )
    op.create_table(
        "peer_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_conflicts")),
        sa.UniqueConstraint("key", name=op.f("uq_peer_conflicts_key")),
    )
    op.create_table(
        "peer_seen",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_seen")),
    )
    for table in SHARED:
        op.add_column(table, sa.Column("gid", sa.String(length=36), nullable=True))
        op.add_column(table, sa.Column("origin", sa.String(length=32), nullable=True))
        op.create_index(op.f(f"ix_{table}_gid"), table, ["gid"], unique=True)
    _backfill()
    for sql in triggers():
        op.execute(sql)


def _backfill() -> None:
    conn = op.get_bind()
    if not any(conn.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in SHARED):
        return  # an empty database: the device id is made on first use (services/peer/ids.py)
    device = uuid.uuid4().hex
    conn.exec_driver_sql("INSERT OR REPLACE INTO settings(key, value) VALUES ('peer.device_id', ?)", (device,))
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'commune.code'").fetchone()
    commune = row[0] if row else ""
    for table, (entity, _cols) in SHARED.items():
        extra = ", id_number" if table == "citizens" else (", code" if table == "points" else "")
        last = 0
        while True:
            rows = conn.exec_driver_sql(
                f"SELECT id{extra} FROM {table} WHERE id > ? ORDER BY id LIMIT {BATCH}", (last,)).fetchall()
            if not rows:
                break
            values = []
            for r in rows:
                if table == "citizens" and r[1]:
                    gid = _citizen_gid(commune, r[1])
                elif table == "points":
                    gid = _point_gid(commune, r[1])
                else:
                    gid = _uuid7()
                values.append((gid, device, r[0]))
            conn.exec_driver_sql(f"UPDATE {table} SET gid = ?, origin = ? WHERE id = ?", values)  # type: ignore[arg-type]
            conn.exec_driver_sql(
                "INSERT INTO peer_pending(entity, row_id) VALUES (?, ?)", [(entity, r[0]) for r in rows])  # type: ignore[arg-type]
            last = rows[-1][0]


def downgrade() -> None:
    for table in SHARED:
        op.execute(f"DROP TRIGGER IF EXISTS peer_{table}_ai")
        op.execute(f"DROP TRIGGER IF EXISTS peer_{table}_au")
        op.drop_index(op.f(f"ix_{table}_gid"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("origin")
            batch.drop_column("gid")
    for t in ("peer_seen", "peer_conflicts", "peer_devices", "peer_alias", "peer_pending", "peer_rows", "peer_log"):
        op.drop_table(t)
    op.execute("DELETE FROM settings WHERE key LIKE 'peer.%'")
