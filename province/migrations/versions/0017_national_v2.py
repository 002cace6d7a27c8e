"""The national roll-up, format 2 (province.national.rollup): completeness by channel per commune-day and
the targets a province hub forwards. Nullable new columns, one new table, and the commune-days' province
index widened to (province, day) for the page's read of one day.

Revision ID: 0017_national_v2
Revises: 0015_published_ranks
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_national_v2"
down_revision = "0016_day_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("national_commune_days", sa.Column("completeness_json", sa.Text(), nullable=True))
    op.drop_index("ix_national_commune_days_province_code", "national_commune_days")
    op.create_index("ix_national_commune_days_province_day", "national_commune_days", ["province_code", "day"])
    op.add_column("national_outbox", sa.Column("completeness_hash", sa.String(64), nullable=True))
    op.add_column("national_provinces", sa.Column("rollup_version", sa.Integer(), nullable=True))
    op.add_column("national_provinces", sa.Column("targets_at", sa.DateTime(), nullable=True))
    op.create_table(
        "national_targets",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("commune_code", "indicator", name="pk_national_targets"),
    )
    op.create_index("ix_national_targets_province_code", "national_targets", ["province_code"])


def downgrade() -> None:
    op.drop_index("ix_national_targets_province_code", "national_targets")
    op.drop_table("national_targets")
    with op.batch_alter_table("national_provinces") as batch:
        batch.drop_column("targets_at")
        batch.drop_column("rollup_version")
    with op.batch_alter_table("national_outbox") as batch:
        batch.drop_column("completeness_hash")
    op.drop_index("ix_national_commune_days_province_day", "national_commune_days")
    op.create_index("ix_national_commune_days_province_code", "national_commune_days", ["province_code"])
    with op.batch_alter_table("national_commune_days") as batch:
        batch.drop_column("completeness_json")
