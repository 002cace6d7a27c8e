"""The hub stores one column per indicator in `report_villages`: the registry (sync/indicators.py), the model
and the migrated database must agree, and this test names the migration to write when they do not."""

from __future__ import annotations

from pathlib import Path

from province import indicator_storage
from province.db import open_hub
from province.models import ReportVillage
from sync import indicators


def test_the_migrated_hub_database_has_a_column_for_every_indicator(tmp_path: Path) -> None:
    db = open_hub(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with db.engine.connect() as conn:
            missing = indicator_storage.missing(conn)
            stored = indicator_storage.stored(conn)
    finally:
        db.close()
    assert not missing, (
        f"indicators {missing} are in sync/indicators.py but not in the hub's database: write an Alembic revision "
        f"under province/migrations/versions/ that adds them (recipe in province/indicator_storage.py, e.g. "
        f"{'; '.join(indicator_storage.add_column_sql(missing[0]))!r})")
    assert set(stored) == set(indicators.KEYS), (
        f"the hub stores {sorted(set(stored) - set(indicators.KEYS))} that the registry no longer defines: "
        "write the revision that drops them (or put them back in the registry)")


def test_the_model_has_a_column_for_every_indicator() -> None:
    cols = {c.name for c in ReportVillage.__table__.columns} - indicator_storage.NOT_INDICATORS
    assert cols == set(indicators.KEYS)
