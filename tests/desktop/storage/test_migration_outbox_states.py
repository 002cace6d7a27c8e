"""Migration 0006_outbox_states upgrades a database made at the previous revision with data:
every outbox row is kept; rows already sent become "confirmed over the network", the others stay waiting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.services.province_link import outbox
from desktop.storage import migrations
from desktop.storage.db import create_db_engine, current_revision, open_database

REVISION = "0006_outbox_states"


def test_outbox_states_migration_keeps_rows(tmp_path: Path) -> None:
    before = migrations.KNOWN_REVISIONS[migrations.KNOWN_REVISIONS.index(REVISION) - 1]
    path = tmp_path / "old.db"
    engine = create_db_engine(path)
    migrations.upgrade(engine, before)
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        for i in (1, 2, 3):
            con.execute("INSERT INTO day_reports (id, point_code, day, revision, totals_json, closed_at) "
                        "VALUES (?, 'P1', ?, 1, '{}', '2025-08-09 10:00:00')", (i, f"2025-08-0{i}"))
        con.execute("INSERT INTO outbox (id, report_id, content_hash, enqueued_at, sent_at, batch_id, attempts, "
                    "last_error) VALUES (1, 1, 'h1', '2025-08-09 10:00:00', '2025-08-09 11:00:00', 'b1', 1, '')")
        con.execute("INSERT INTO outbox (id, report_id, content_hash, enqueued_at, sent_at, batch_id, attempts, "
                    "last_error) VALUES (2, 2, 'h2', '2025-08-09 10:00:00', NULL, 'b2', 2, 'hub down')")
        con.execute("INSERT INTO outbox (id, report_id, content_hash, enqueued_at, sent_at, batch_id, attempts, "
                    "last_error) VALUES (3, 3, 'h3', '2025-08-09 10:00:00', NULL, NULL, 0, '')")
    con.close()

    db = open_database(path, encrypted=False)
    try:
        assert current_revision(db.engine) == migrations.HEAD
        with db.engine.connect() as c:
            rows = c.exec_driver_sql("SELECT id, content_hash, sent_at IS NOT NULL, batch_id, attempts, last_error,"
                                     " exported_at, confirmed_via FROM outbox ORDER BY id").all()
        assert [tuple(r) for r in rows] == [
            (1, "h1", 1, "b1", 1, "", None, "network"),
            (2, "h2", 0, "b2", 2, "hub down", None, ""),
            (3, "h3", 0, None, 0, "", None, ""),
        ]
        with db.session() as s:
            assert [d.state for d in outbox.day_states(s)] == ["waiting", "waiting", "sent"]
    finally:
        db.close()
