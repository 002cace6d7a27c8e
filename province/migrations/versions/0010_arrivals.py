"""The steering committee's views (`arrivals`, `calendar_days`, `commune_leaders`). New tables only: an older
hub on this database ignores them. `arrivals` is filled from what is already stored — each device's day by
the channel of the batch that holds its report (the stored revision's arrival: the first one is not known
before this revision) and each day code's arrival — and from then on by intake.

Revision ID: 0010_arrivals
Revises: 0009_login_throttle
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_arrivals"
down_revision = "0009_login_throttle"
branch_labels = None
depends_on = None

_BACKFILL_REPORTS = """
INSERT INTO arrivals (device_id, day, channel, commune_code, first_at)
SELECT rv.device_id, rv.day, CASE WHEN b.source = 'bundle' THEN 'usb' ELSE 'network' END, rv.commune_code,
       MIN(rv.received_at)
FROM report_villages rv JOIN batches b ON b.device_id = rv.device_id AND b.batch_id = rv.batch_id
GROUP BY rv.device_id, rv.day, CASE WHEN b.source = 'bundle' THEN 'usb' ELSE 'network' END, rv.commune_code
"""
_BACKFILL_PHONE = """
INSERT INTO arrivals (device_id, day, channel, commune_code, first_at)
SELECT device_id, day, 'phone', MIN(commune_code), MIN(received_at) FROM phone_reports GROUP BY device_id, day
"""


def upgrade() -> None:
    op.create_table(
        "arrivals",
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "day", "channel", name="pk_arrivals"),
    )
    op.create_index("ix_arrivals_day", "arrivals", ["day"])
    op.create_index("ix_arrivals_commune_day", "arrivals", ["commune_code", "day"])
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_calendar_days"),
    )
    op.create_table(
        "commune_leaders",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name="fk_commune_leaders_commune_code_communes"),
        sa.PrimaryKeyConstraint("commune_code", name="pk_commune_leaders"),
    )
    op.execute(_BACKFILL_REPORTS)
    op.execute(_BACKFILL_PHONE)


def downgrade() -> None:
    op.drop_table("commune_leaders")
    op.drop_table("calendar_days")
    op.drop_index("ix_arrivals_commune_day", "arrivals")
    op.drop_index("ix_arrivals_day", "arrivals")
    op.drop_table("arrivals")
