"""Offline communes: `phone_reports` (day codes read over the phone, provisional figures) and
`bundle_receipts` (signed receipts of bundle imports, offered for download on the dashboard). New tables
only; nothing existing changes. The hub's own signing key is a row of `hub_settings` made at `init`/start.

Revision ID: 0005_offline
Revises: 0004_report_per_device
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_offline"
down_revision = "0004_report_per_device"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "phone_reports",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(32), sa.ForeignKey("communes.code",
                  name="fk_phone_reports_commune_code_communes"), nullable=False),
        sa.Column("point_code", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("totals_json", sa.Text(), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_phone_reports"),
        sa.UniqueConstraint("commune_code", "point_code", "day", "device_id",
                            name="uq_phone_reports_commune_code_point_code_day_device_id"),
    )
    op.create_index("ix_phone_reports_commune_code", "phone_reports", ["commune_code"])
    op.create_table(
        "bundle_receipts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bundle_receipts"),
    )
    op.create_index("ix_bundle_receipts_device_id", "bundle_receipts", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_bundle_receipts_device_id", table_name="bundle_receipts")
    op.drop_table("bundle_receipts")
    op.drop_index("ix_phone_reports_commune_code", table_name="phone_reports")
    op.drop_table("phone_reports")
