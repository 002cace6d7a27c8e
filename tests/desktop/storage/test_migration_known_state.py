"""0004_known_status_village_targets: upgrading a database with citizens keeps every record and the search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.services.due.search import search
from desktop.storage import migrations
from desktop.storage.db import create_db_engine, open_database

BEFORE = "0003_text_keys"


def test_upgrade_keeps_citizens_and_search(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_db_engine(path)
    migrations.upgrade(engine, BEFORE)
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO citizens (id, id_number, full_name_raw, full_name, family_name, middle_name, given_name,"
            " name_key, given_key, sort_given, sort_family, village, village_key, address, needs_home_visit,"
            " elderly, disabled, note, search_text, status, has_card, vneid_stage, card_issued_on, created_at,"
            " updated_at) VALUES (1, '056190000001', 'Lê Văn An', 'Lê Văn An', 'Lê', 'Văn', 'An', 'le van an', 'an',"
            " 'k1', 'k2', 'Buôn Ko Sier', 'buon ko sier', '', 0, 0, 0, '', 'le van an 056190000001 buon ko sier',"
            " 'card_captured', 1, 1, '2022-03-12', '2026-01-01 08:00:00', '2026-01-01 08:00:00')"
        )
    before = con.execute("SELECT * FROM citizens").fetchall()
    con.close()
    db = open_database(path, encrypted=False)
    try:
        with db.engine.connect() as c:
            cols = [r[1] for r in c.exec_driver_sql("PRAGMA table_info(citizens)")]
            rows = c.exec_driver_sql("SELECT * FROM citizens").all()
            assert len(rows) == 1
            row = dict(zip(cols, rows[0], strict=True))
            old = before[0]
            assert tuple(row[k] for k in cols[: len(old)]) == tuple(old)
            assert (row["card_known"], row["vneid_known"]) == (0, 0)
            assert c.exec_driver_sql("SELECT count(*) FROM village_targets").scalar() == 0
            triggers = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
            assert "citizens_fts_ai" in triggers
        with db.session() as s:
            assert [h.full_name for h in search(s, "buon ko sier").rows] == ["Lê Văn An"]
    finally:
        db.close()
