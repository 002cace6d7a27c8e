"""Migration 0011_target_sets fails whole: a crash after its first table leaves the database at the previous
revision with neither table, and the next start migrates cleanly (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from province import migrations
from province.db import create_hub_engine, current_revision

REVISION = "0011_target_sets"


def test_a_failure_mid_migration_leaves_the_previous_revision(hub_url: str) -> None:
    engine = create_hub_engine(hub_url)
    try:
        before = migrations.KNOWN_REVISIONS[migrations.KNOWN_REVISIONS.index(REVISION) - 1]
        migrations.upgrade(engine, before)
        with engine.begin() as conn:  # in the way of the migration's second table: it fails after the first
            conn.execute(text("CREATE TABLE target_set_values (id INTEGER PRIMARY KEY)"))
        with pytest.raises(Exception, match="target_set_values"):
            migrations.upgrade(engine, REVISION)
        assert current_revision(engine) == before
        assert "target_sets" not in inspect(engine).get_table_names()  # the first table went back too
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE target_set_values"))
        migrations.upgrade(engine, REVISION)
        assert current_revision(engine) == REVISION
        assert {"target_sets", "target_set_values"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
