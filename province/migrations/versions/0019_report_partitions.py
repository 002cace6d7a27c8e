"""PostgreSQL: `report_villages` becomes a table partitioned by the report's month (province/partitions.py):
the rows move into monthly partitions from the first stored month (at most 10 years back) to 24 months ahead,
and a default partition takes any other day. The primary key becomes (id, day) — PostgreSQL wants the partition key in every unique
key; ids keep coming from the same sequence, so every id stays unique. Indexes, the unique key and the commune
foreign key keep their names. SQLite: nothing (one table).

The move rewrites the table in the migration's one transaction (a hub's start: the others wait on the
migration lock): 15.5 s for 1.2 M reports (3,321 communes × 365 days, bench/bench_partition_migration.py).
Downgrade moves the rows back into one table.

Revision ID: 0019_report_partitions
Revises: 0018_day_counters
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0019_report_partitions"
down_revision = "0018_day_counters"
branch_labels = None
depends_on = None

T = "report_villages"
AHEAD = 24  # months after today (province/partitions.py keeps them coming at every start)
BACK_YEARS = 10  # a report of a day before this, or after the months ahead, lives in the default partition


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = _next(m)
    return out


def _take_rows(old: str) -> None:
    """The rows of the renamed table into the new one, its id sequence handed over, the old table gone."""
    op.execute(f"INSERT INTO {T} SELECT * FROM {old}")
    op.execute(f"ALTER SEQUENCE {T}_id_seq OWNED BY {T}.id")
    op.execute(f"DROP TABLE {old}")


def _rename_old(old: str) -> None:
    op.execute(f"ALTER TABLE {T} RENAME TO {old}")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT pk_{T} TO pk_{old}")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT uq_{T}_device_key TO uq_{old}_device_key")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT fk_{T}_commune_code_communes TO fk_{old}_commune_code")
    op.execute(f"ALTER INDEX ix_{T}_day_commune RENAME TO ix_{old}_day_commune")
    op.execute(f"ALTER INDEX ix_{T}_device_day RENAME TO ix_{old}_device_day")


def _keys(primary: str) -> None:
    op.execute(f"ALTER TABLE {T} ADD CONSTRAINT pk_{T} PRIMARY KEY ({primary})")
    op.execute(f"ALTER TABLE {T} ADD CONSTRAINT uq_{T}_device_key UNIQUE (commune_code, point_code, day, device_id)")
    op.execute(f"ALTER TABLE {T} ADD CONSTRAINT fk_{T}_commune_code_communes FOREIGN KEY (commune_code) "
               "REFERENCES communes (code)")
    op.execute(f"CREATE INDEX ix_{T}_day_commune ON {T} (day, commune_code)")
    op.execute(f"CREATE INDEX ix_{T}_device_day ON {T} (device_id, day, received_at)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    old = f"{T}_flat"
    _rename_old(old)
    op.execute(f"CREATE TABLE {T} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY RANGE (day)")
    _keys("id, day")
    today = dt.date.today()
    floor = today.replace(year=today.year - BACK_YEARS, day=1)
    first = max(bind.execute(sa.text(f"SELECT min(day) FROM {old}")).scalar() or today, floor)
    last = today
    for _ in range(AHEAD):
        last = _next(last)
    op.execute(f"CREATE TABLE {T}_default PARTITION OF {T} DEFAULT")
    for m in _months(first, last):
        op.execute(f"CREATE TABLE {T}_{m:%Y_%m} PARTITION OF {T} FOR VALUES FROM ('{m}') TO ('{_next(m)}')")
    _take_rows(old)
    op.execute(f"ANALYZE {T}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    old = f"{T}_parts"
    _rename_old(old)
    op.execute(f"CREATE TABLE {T} (LIKE {old} INCLUDING DEFAULTS)")
    _keys("id")
    _take_rows(old)
