"""The national level (province.national): enrolment codes, pinned province hubs, roll-up batches and the
commune-days on a national hub; the outbox and pending batch on a province hub. New tables only.

Revision ID: 0012_national
Revises: 0011_target_sets
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_national"
down_revision = "0011_target_sets"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "national_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
        sa.Column("used_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name="pk_national_codes"),
    )
    op.create_table(
        "national_provinces",
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("enrolled_at", _WHEN, nullable=False),
        sa.Column("last_batch_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("province_code", name="pk_national_provinces"),
    )
    op.create_table(
        "national_batches",
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.Column("receipt_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("province_code", "batch_id", name="pk_national_batches"),
    )
    op.create_table(
        "national_commune_days",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("provisional", sa.Integer(), nullable=False),
        sa.Column("values_json", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("commune_code", "day", name="pk_national_commune_days"),
    )
    op.create_index("ix_national_commune_days_province_code", "national_commune_days", ["province_code"])
    op.create_table(
        "national_outbox",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("commune_code", "day", name="pk_national_outbox"),
    )
    op.create_table(
        "national_pending",
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("wire_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_national_pending"),
    )


def downgrade() -> None:
    op.drop_table("national_pending")
    op.drop_table("national_outbox")
    op.drop_index("ix_national_commune_days_province_code", "national_commune_days")
    op.drop_table("national_commune_days")
    op.drop_table("national_batches")
    op.drop_table("national_provinces")
    op.drop_table("national_codes")
