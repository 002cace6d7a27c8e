"""Day counters (province/models/rollups.py `DayCounter`): an intake that changes a day's figures bumps that
day's counter instead of the hub-wide one, so a past day's view stays kept while later days' reports arrive.
One new table, empty at the start: the kept results live in a process, which a migration restarts.

Revision ID: 0018_day_counters
Revises: 0017_national_v2
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_day_counters"
down_revision = "0017_national_v2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "shard", name="pk_day_counters"),
    )


def downgrade() -> None:
    op.drop_table("day_counters")
