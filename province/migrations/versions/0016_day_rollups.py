"""Roll-ups kept at intake (province/models/rollups.py): `commune_days`, `commune_months`, `device_months`
and `intake_counters`, and an index of report_villages by (device, day). New tables (an older hub refuses a database at this revision, so none can write reports
without keeping them), filled here from the stored reports in the migration's transaction.

Revision ID: 0016_day_rollups
Revises: 0015_published_ranks
"""

import sqlalchemy as sa
from alembic import op

from sync import indicators

revision = "0016_day_rollups"
down_revision = "0015_published_ranks"
branch_labels = None
depends_on = None

SHARDS = 16


def _month(dialect: str, col: str) -> str:
    return f"date({col}, 'start of month')" if dialect == "sqlite" else f"CAST(date_trunc('month', {col}) AS date)"


# report_villages' columns that are not indicators (province/indicator_storage.py, as of this revision)
NOT_INDICATORS = frozenset({"id", "commune_code", "point_code", "day", "device_id", "revision", "content_hash",
                            "breakdown_json", "closed_at", "received_at", "batch_id"})


def upgrade() -> None:
    # the indicator columns the reports have at this revision, in registry order: a registry that grew since
    # brings its own revision adding the column to report_villages and to these roll-ups
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("report_villages")} - NOT_INDICATORS
    keys = tuple(k for k in indicators.KEYS if k in have) + tuple(sorted(have - set(indicators.KEYS)))
    ind_cols = [sa.Column(k, sa.BigInteger(), server_default="0", nullable=False) for k in keys]
    op.create_table(
        "commune_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("first_received_at", sa.DateTime(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=False),
        *ind_cols,
        sa.PrimaryKeyConstraint("day", "commune_code", name="pk_commune_days"),
    )
    op.create_index("ix_commune_days_commune_day", "commune_days", ["commune_code", "day"])
    op.create_table(
        "commune_months",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=False),
        *[sa.Column(k, sa.BigInteger(), server_default="0", nullable=False) for k in keys],
        sa.PrimaryKeyConstraint("commune_code", "month", name="pk_commune_months"),
    )
    op.create_index("ix_commune_months_month", "commune_months", ["month"])
    op.create_table(
        "device_months",
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "month", name="pk_device_months"),
    )
    op.create_index("ix_device_months_commune", "device_months", ["commune_code", "month"])
    op.create_table(
        "intake_counters",
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shard", name="pk_intake_counters"),
    )
    op.bulk_insert(sa.table("intake_counters", sa.column("shard", sa.Integer()), sa.column("value", sa.BigInteger())),
                   [{"shard": i, "value": 0} for i in range(SHARDS)])
    op.create_index("ix_report_villages_device_day", "report_villages", ["device_id", "day", "received_at"])
    dialect = op.get_bind().dialect.name
    cols = ", ".join(keys)
    sums = ", ".join(f"SUM({k})" for k in keys)
    op.execute(f"INSERT INTO commune_days (day, commune_code, first_received_at, last_received_at, {cols}) "
               f"SELECT day, commune_code, MIN(received_at), MAX(received_at), {sums} FROM report_villages GROUP BY day, commune_code")
    month = _month(dialect, "day")
    op.execute(f"INSERT INTO commune_months (commune_code, month, last_day, last_received_at, {cols}) "
               f"SELECT commune_code, {month}, MAX(day), MAX(last_received_at), {sums} FROM commune_days "
               f"GROUP BY commune_code, {month}")
    op.execute(f"INSERT INTO device_months (device_id, month, commune_code, last_day, last_received_at) "
               f"SELECT device_id, {month}, MIN(commune_code), MAX(day), MAX(received_at) FROM report_villages "
               f"GROUP BY device_id, {month}")


def downgrade() -> None:
    op.drop_index("ix_report_villages_device_day", "report_villages")
    op.drop_table("intake_counters")
    op.drop_index("ix_device_months_commune", "device_months")
    op.drop_table("device_months")
    op.drop_index("ix_commune_months_month", "commune_months")
    op.drop_table("commune_months")
    op.drop_index("ix_commune_days_commune_day", "commune_days")
    op.drop_table("commune_days")
