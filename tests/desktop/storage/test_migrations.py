"""Migrations: upgrade with data from the first revision, refusal of newer databases, atomic failure,
and models that match the migrated schema."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, sort_key, split_name
from desktop import paths
from desktop.models import Base
from desktop.services.due.search import search
from desktop.storage import migrations
from desktop.storage.db import DatabaseTooNew, create_db_engine, current_revision, open_database

FIRST = "0001_register"


def _citizen_sql(i: int) -> tuple:
    return (i, f"05619000{i:04d}", f"Nguyễn Thị Thuý {i}", f"nguyen thi thuy {i}", f"{i}", "k", "k",
            f"nguyen thi thuy {i} 05619000{i:04d}", "2026-01-01 08:00:00.000000")


def _make_first_revision_db(path: Path) -> None:
    engine = create_db_engine(path)
    migrations.upgrade(engine, FIRST)
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "INSERT INTO citizens (id, id_number, full_name_raw, full_name, family_name, middle_name, given_name,"
            " name_key, given_key, sort_given, sort_family, village, village_key, address, needs_home_visit,"
            " elderly, disabled, note, search_text, status, has_card, vneid_stage, created_at, updated_at)"
            " VALUES (?1, ?2, ?3, ?3, 'Nguyễn', 'Thị', ?5, ?4, ?5, ?6, ?7, 'Thôn 1', 'thon 1', '', 0, 0, 0, '',"
            " ?8, 'card_captured', 1, 0, ?9, ?9)",
            [_citizen_sql(i) for i in range(1, 6)],
        )
        con.execute("INSERT INTO points (id, code, name, address, kind, active) VALUES (1, 'P1', 'Trụ sở', '', 'office', 1)")
        con.execute(
            "INSERT INTO status_events (citizen_id, event_type, occurred_at, occurred_on, point_id, note, recorded_at)"
            " VALUES (1, 'card_captured', '2026-01-02 09:00:00.000000', '2026-01-02', 1, '', '2026-01-02 09:00:00.000000')"
        )
    con.close()


def test_upgrade_from_first_revision_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_first_revision_db(path)
    db = open_database(path, encrypted=False)
    try:
        assert current_revision(db.engine) == migrations.HEAD
        with db.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM citizens").scalar() == 5
            assert c.exec_driver_sql("SELECT count(*) FROM status_events").scalar() == 1
            # the FTS index made by the first revision still answers
            hit = c.exec_driver_sql("SELECT rowid FROM citizens_fts WHERE citizens_fts MATCH '\"thuy 3\"'").all()
            assert [r[0] for r in hit] == [3]
            assert c.exec_driver_sql("SELECT count(*) FROM targets").scalar() == 0  # a later table exists
    finally:
        db.close()
    backups = list((tmp_path / "backups").glob("*.db"))
    assert len(backups) == 1 and FIRST in backups[0].name
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == FIRST
    assert con.execute("SELECT count(*) FROM citizens").fetchone()[0] == 5
    con.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = open_database(path, encrypted=False)
    db.close()
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.close()
    with pytest.raises(DatabaseTooNew) as ei:
        open_database(path, encrypted=False)
    assert "mới hơn" in ei.value.message
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0099_from_the_future"
    con.close()


def test_head_constant_matches_scripts() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_heads() == [migrations.HEAD]
    chain = [rev.revision for rev in script.walk_revisions()]  # newest first
    assert tuple(reversed(chain)) == migrations.KNOWN_REVISIONS


def _schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str)
    finally:
        con.close()


def test_failing_migration_rolls_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.db"
    db = open_database(path, encrypted=False)
    with db.engine.begin() as c:
        c.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('k', 'v')")
    db.close()
    before = _schema(path)
    # A copy of the shipped scripts plus one revision that creates a table, alters another, then fails.
    scripts = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999_broken'\ndown_revision = '{migrations.HEAD}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute(\"INSERT INTO settings (key, value) VALUES ('half', 'done')\")\n"
        "    op.add_column('points', sa.Column('extra', sa.Text))\n"
        "    raise RuntimeError('disk full, say')\n"
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "migrations_dir", lambda: scripts)
    engine = create_db_engine(path)
    with pytest.raises(RuntimeError, match="disk full"):
        migrations.upgrade(engine, "9999_broken")
    engine.dispose()
    assert _schema(path) == before
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrations.HEAD
    assert con.execute("SELECT key, value FROM settings").fetchall() == [("k", "v")]
    con.close()
    monkeypatch.undo()
    db = open_database(path, encrypted=False)  # still opens normally
    db.close()


_FTS = ("citizens_fts",)


def _include(obj, name, type_, reflected, compare_to) -> bool:
    # The FTS5 virtual table and its shadow tables are made by raw DDL, not by the models.
    return not (type_ == "table" and name and (name.startswith(_FTS) or name == "alembic_version"))


def test_models_match_migrations(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", encrypted=False)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": True})
            diffs = compare_metadata(ctx, Base.metadata)
        assert diffs == []
    finally:
        db.close()


# ------------------------------------------------------------------------------------ 0003_text_keys
TEXT_KEYS = "0003_text_keys"
BEFORE_TEXT_KEYS = "0002_schedule_reports"

# (full name as stored by an older version, village); old keys are deliberately stale or old-style.
_OLD_ROWS = [
    ("Nguyễn Thị Thụy", "Tổ dân phố 10"),
    ("Nguyễn Thị Thúy", "Tổ dân phố 2"),
    ("Nguyễn Thị Thuý", "Tổ dân phố 2"),
    ("Nguyễn Thị Thủy", "Thôn Đông"),
    ("Nguyễn Thị Thùy", "Thôn Dương"),
    ("\u00d0ặng Văn Hoà", "Thôn \u00d0ông"),  # Đ read from an old Windows file as the eth
    ("Y Bih Niê Kdăm", "Buôn Ko Sier"),
    ("H'Hen Niê", "Buôn Ko Sier"),
    ("Lê Văn An", "Tổ dân phố 1"),
]


def _old_fold(text: str) -> str:
    """fold() as 0002 stored it: the eth was left alone (casefold of Ð is ð)."""
    return fold(text).replace("d", "\u00f0") if "\u00d0" in text or "\u00f0" in text else fold(text)


def _make_0002_db(path: Path) -> None:
    engine = create_db_engine(path)
    migrations.upgrade(engine, BEFORE_TEXT_KEYS)
    engine.dispose()
    con = sqlite3.connect(path)
    rows = []
    for i, (name, village) in enumerate(_OLD_ROWS, start=1):
        words = name.split(" ")
        nkey, vkey = _old_fold(name), _old_fold(village)
        idn = f"05619000{i:04d}"
        rows.append((i, idn, name, words[0], " ".join(words[1:-1]), words[-1], nkey, _old_fold(words[-1]),
                     f"old-{i}", f"old-{i}", village, vkey, f"{nkey} {idn} {vkey}", "2026-01-01 08:00:00.000000"))
    with con:
        con.executemany(
            "INSERT INTO citizens (id, id_number, full_name_raw, full_name, family_name, middle_name, given_name,"
            " name_key, given_key, sort_given, sort_family, village, village_key, address, needs_home_visit,"
            " elderly, disabled, note, search_text, status, has_card, vneid_stage, created_at, updated_at)"
            " VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '', 0, 0, 0, '', ?13, 'new', 0, 0,"
            " ?14, ?14)",
            rows,
        )
        con.execute("INSERT INTO points (id, code, name, address, kind, active)"
                    " VALUES (1, 'P1', 'Nhà văn hóa thôn \u00d0ông', '', 'mobile', 1)")
        con.execute("INSERT INTO operators (id, name, role, pin_hash, failed_attempts, active, created_at)"
                    " VALUES (1, '\u00d0inh Văn Tư', 'supervisor', 'x', 0, 1, '2026-01-01 08:00:00')")
    con.close()


def test_text_keys_migration_recomputes_keys_and_search(tmp_path: Path) -> None:
    path = tmp_path / "keys.db"
    _make_0002_db(path)
    db = open_database(path, encrypted=False)
    try:
        assert current_revision(db.engine) == migrations.HEAD
        with db.engine.connect() as c:
            stored = c.exec_driver_sql(
                "SELECT full_name, family_name, middle_name, given_name, name_key, given_key, sort_given,"
                " sort_family, village, village_key, search_text, id_number FROM citizens ORDER BY id"
            ).all()
            for row in stored:
                name = nfc(row[0])
                parts = split_name(name)
                assert row[0] == name and "\u00d0" not in row[0]
                assert tuple(row[1:4]) == (parts.family, parts.middle, parts.given)
                assert row[4] == fold(name) and row[5] == fold(parts.given)
                assert row[6] == name_sort_key(name, NameOrder.GIVEN)
                assert row[7] == name_sort_key(name, NameOrder.FAMILY)
                assert row[8] == nfc(row[8]) and row[9] == fold(row[8])
                assert row[10] == f"{row[4]} {row[11]} {row[9]}"
            by_given = [r[0] for r in c.exec_driver_sql("SELECT full_name FROM citizens ORDER BY sort_given, id")]
            assert by_given == [
                "Lê Văn An", "Y Bih Niê Kdăm", "H'Hen Niê", "Đặng Văn Hoà",
                "Nguyễn Thị Thùy", "Nguyễn Thị Thủy", "Nguyễn Thị Thúy", "Nguyễn Thị Thuý", "Nguyễn Thị Thụy",
            ]
            villages = [r[0] for r in c.exec_driver_sql("SELECT DISTINCT village FROM citizens")]
            assert sorted(villages, key=sort_key) == [
                "Buôn Ko Sier", "Thôn Dương", "Thôn Đông", "Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 10",
            ]
            assert c.exec_driver_sql("SELECT given_key FROM citizens WHERE id = 7").scalar() == "bih"
            # the FTS index agrees with the content table, and the repaired row is found by its new text
            c.exec_driver_sql("INSERT INTO citizens_fts(citizens_fts) VALUES ('integrity-check')")
            hit = c.exec_driver_sql("SELECT rowid FROM citizens_fts WHERE citizens_fts MATCH '\"dang van hoa\"'")
            assert [r[0] for r in hit] == [6]
            assert c.exec_driver_sql("SELECT name FROM operators").scalar() == "Đinh Văn Tư"
            assert c.exec_driver_sql("SELECT name FROM points").scalar() == "Nhà văn hóa thôn Đông"
        with db.session() as s:
            assert [r.full_name for r in search(s, "dang van").rows] == ["Đặng Văn Hoà"]
            assert [r.full_name for r in search(s, "Ðặng").rows] == ["Đặng Văn Hoà"]  # typed with the eth
            # "Thôn Ðông" (eth) and "Thôn Đông" are now one village
            assert {r.full_name for r in search(s, "thon dong").rows} == {"Đặng Văn Hoà", "Nguyễn Thị Thủy"}
            assert {r.full_name for r in search(s, "thuy").rows} >= {"Nguyễn Thị Thúy", "Nguyễn Thị Thuý"}
            assert [r.full_name for r in search(s, "bih").rows] == ["Y Bih Niê Kdăm"]
    finally:
        db.close()


def test_text_keys_migration_is_idempotent_in_effect(tmp_path: Path) -> None:
    """A database already written with the new rules is left exactly as it was (nothing to update)."""
    _make_0002_db(tmp_path / "old.db")
    db = open_database(tmp_path / "old.db", encrypted=False)
    db.close()
    con = sqlite3.connect(tmp_path / "old.db")
    before = con.execute("SELECT * FROM citizens ORDER BY id").fetchall()
    import importlib

    mod = importlib.import_module("desktop.storage.migrations.versions.0003_text_keys")
    assert mod.recompute_citizens(con.cursor(), batch=2) == (0, 0)
    assert con.execute("SELECT * FROM citizens ORDER BY id").fetchall() == before
    con.close()
