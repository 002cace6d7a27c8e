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

from desktop import migrations, paths
from desktop.db import DatabaseTooNew, create_db_engine, current_revision, open_database
from desktop.models import Base

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


def _include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
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
