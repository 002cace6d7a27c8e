"""Where the hub stores each indicator, and the migration an indicator added to the registry needs.

`report_villages` keeps one integer column per indicator (the intake's single-row write and the dashboard's
grouped sums depend on it); `commune_totals` is already one row per (commune, indicator). So a new
indicator in `sync/indicators.py` needs one Alembic revision, like this (`add_column_sql` is the same DDL in SQL):

    def upgrade() -> None:
        op.add_column("report_villages", sa.Column("<key>", sa.Integer(), nullable=False, server_default="0"))
        for table in ("commune_days", "commune_months"):  # the roll-ups kept at intake (0016)
            op.add_column(table, sa.Column("<key>", sa.BigInteger(), nullable=False, server_default="0"))

    def downgrade() -> None:
        for table in ("commune_months", "commune_days", "report_villages"):
            op.drop_column(table, "<key>")

Old reports read 0 for it, which is what a laptop that did not count it would have sent (so the roll-ups'
0 is already right). Revision 0016 makes the roll-ups' columns from the indicator columns report_villages
has at that revision, never from the registry as it is when the migration runs. `missing()` says
which registry indicators the database lacks; tests/province/test_indicator_storage.py fails with the name
of the revision to write while the registry and the migrated schema disagree.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from sync import indicators

TABLE = "report_villages"
# Columns of report_villages that are not indicators (everything else is one).
NOT_INDICATORS = frozenset({
    "id", "commune_code", "point_code", "day", "device_id", "revision", "content_hash", "breakdown_json",
    "closed_at", "received_at", "batch_id",
})


def stored(conn: Connection) -> tuple[str, ...]:
    """The indicator columns the database has, in table order."""
    return tuple(c["name"] for c in inspect(conn).get_columns(TABLE) if c["name"] not in NOT_INDICATORS)


def missing(conn: Connection) -> tuple[str, ...]:
    """Registry indicators without a column in the database (each needs the migration above)."""
    have = set(stored(conn))
    return tuple(k for k in indicators.KEYS if k not in have)


ROLLUPS = ("commune_days", "commune_months")  # the roll-ups kept at intake carry one column per indicator too


def add_column_sql(key: str) -> tuple[str, ...]:
    """The DDL of the recipe, for SQLite and PostgreSQL alike (the key is a checked identifier): the report
    column and the roll-ups' (0 for every stored day, which is what the reports hold for it)."""
    if key not in indicators.BY_KEY:
        raise ValueError(f"{key!r} is not an indicator of the registry")
    return (f"ALTER TABLE {TABLE} ADD COLUMN {key} INTEGER NOT NULL DEFAULT 0",
            *(f"ALTER TABLE {t} ADD COLUMN {key} BIGINT NOT NULL DEFAULT 0" for t in ROLLUPS))
