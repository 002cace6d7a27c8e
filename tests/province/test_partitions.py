"""PostgreSQL's reports partitioned by month (migration 0019_report_partitions, province/partitions.py), on a
real hub: reports of a year back land in their months' partitions; the migration down to one table and up
again keeps every row as it was (ids included) and each month's reports in their own partition; afterwards a correction replaces its figure (never adds to it), a new report takes a new id, the
running totals equal a recount; the months ahead are created at a start, except a month whose reports
already sit in the default partition (left there, still read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from province import migrations, partitions
from province.db import HubDB
from tests.support.hub import enrol_http, post, setup_commune

YEAR_AGO = partitions.shift(partitions.month_start(dt.date.today()), -12)
DAYS = [YEAR_AGO - dt.timedelta(days=2), YEAR_AGO, partitions.shift(YEAR_AGO, 1) - dt.timedelta(days=1),
        partitions.shift(YEAR_AGO, 1) + dt.timedelta(days=1)]  # three months, a year back
COLUMNS = "id, commune_code, point_code, day, device_id, revision, content_hash, card_captured, received_at"


def _rows(db: HubDB) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {COLUMNS} FROM report_villages ORDER BY id"))]


def _migrate(db: HubDB, down: bool) -> None:
    with db.engine.begin() as conn:
        if down:
            command.downgrade(migrations.alembic_config(conn), "0018_day_counters")
        else:
            command.upgrade(migrations.alembic_config(conn), "head")
    db.engine.dispose()  # the pooled connections' prepared plans named the table before


def _partitioned(db: HubDB) -> bool:
    with db.engine.connect() as conn:
        return partitions.is_partitioned(conn)


def test_reports_move_into_monthly_partitions_and_back(hub_url: str, hub_db: HubDB, client: Any) -> None:
    if hub_db.is_sqlite:
        pytest.skip("partitions are PostgreSQL's; SQLite keeps one table")
    lap = enrol_http(client, setup_commune(hub_db))
    reports = [lap.report(d, 1, point=f"P{i}", card_captured=10 + i) for i, d in enumerate(DAYS)]
    assert post(client, lap, lap.batch(*reports)).status_code == 200
    assert _partitioned(hub_db)
    before = _rows(hub_db)
    assert len(before) == len(DAYS)
    months = [partitions.partition_name(partitions.shift(YEAR_AGO, k)) for k in (-1, 0, 1)]
    with hub_db.engine.connect() as conn:  # a year back: the months a new hub makes for its first backlog
        assert [partitions.describe(conn)[m] for m in months] == [1, 2, 1]

    _migrate(hub_db, down=True)
    assert not _partitioned(hub_db) and _rows(hub_db) == before
    _migrate(hub_db, down=False)
    assert _partitioned(hub_db) and _rows(hub_db) == before
    with hub_db.engine.connect() as conn:
        counts = partitions.describe(conn)
    assert [counts[m] for m in months] == [1, 2, 1] and counts[partitions.DEFAULT] == 0
    assert sum(counts.values()) == len(DAYS)

    # Intake on the partitioned table: a correction replaces, a new report takes a new id.
    fix = lap.report(DAYS[1], 2, point="P1", card_captured=100)
    new = lap.report(DAYS[3], 1, point="P9", card_captured=7)
    r = post(client, lap, lap.batch(fix, new))
    assert r.status_code == 200, r.text
    after = {row[3]: row for row in _rows(hub_db) if row[2] in ("P1", "P9")}
    assert after[DAYS[1]][5] == 2 and after[DAYS[1]][7] == 100 and after[DAYS[1]][0] == before[1][0]
    assert after[DAYS[3]][0] > max(row[0] for row in before)
    with hub_db.engine.connect() as conn:
        total = conn.execute(text("SELECT value FROM commune_totals WHERE commune_code = '22736' "
                                  "AND indicator = 'card_captured'")).scalar()
        recount = conn.execute(text("SELECT sum(card_captured) FROM report_villages")).scalar()
    assert total == recount == 10 + 100 + 12 + 13 + 7


def test_the_months_ahead_are_made_at_a_start(hub_url: str, hub_db: HubDB, client: Any) -> None:
    if hub_db.is_sqlite:
        pytest.skip("partitions are PostgreSQL's; SQLite keeps one table")
    lap = enrol_http(client, setup_commune(hub_db))
    back = partitions.shift(partitions.month_start(dt.date.today()), -(partitions.MONTHS_BACK + 3))
    day = back + dt.timedelta(days=14)  # older than the months a start makes: the default partition takes it
    assert post(client, lap, lap.batch(lap.report(day, 1, card_captured=3))).status_code == 200
    made = partitions.ensure_ahead(hub_db.engine, today=day)  # a start on that day
    assert partitions.partition_name(partitions.shift(back, -1)) in made
    assert partitions.partition_name(partitions.shift(back, 1)) in made
    assert partitions.partition_name(back) not in made  # its report sits in the default partition: left there
    assert partitions.ensure_ahead(hub_db.engine, today=day) == []  # once only
    with hub_db.engine.connect() as conn:
        counts = partitions.describe(conn)
        assert conn.execute(text("SELECT card_captured FROM report_villages WHERE day = :d"), {"d": day}).scalar() == 3
    assert counts[partitions.DEFAULT] == 1 and partitions.partition_name(back) not in counts
