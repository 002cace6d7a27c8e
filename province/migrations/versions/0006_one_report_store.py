"""One store per report: `report_values` (one row per report and indicator) is dropped. It held the five
figures that `report_villages` already holds for the same (commune, point, day, device) at the same
revision; nothing read it, and writing it was half of the intake's database work (six rows per report
instead of one). Downgrade rebuilds it from `report_villages`, so nothing is lost either way.

Revision ID: 0006_one_report_store
Revises: 0005_offline
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_one_report_store"
down_revision = "0005_offline"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INDICATORS = ("card_captured", "vneid_l2_captured", "vneid_activated", "attended", "no_show")  # as of 0006


def upgrade() -> None:
    op.drop_table("report_values")


def downgrade() -> None:
    op.create_table(
        "report_values",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(32), sa.ForeignKey("communes.code",
                  name="fk_report_values_commune_code_communes"), nullable=False),
        sa.Column("point_code", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_values"),
        sa.UniqueConstraint("commune_code", "point_code", "day", "device_id", "indicator",
                            name="uq_report_values_device_key"),
    )
    for indicator in _INDICATORS:  # literal names from the tuple above, never input
        op.execute(
            "INSERT INTO report_values (commune_code, point_code, day, device_id, indicator, value, revision, "
            "closed_at, received_at, batch_id) SELECT commune_code, point_code, day, device_id, "
            f"'{indicator}', {indicator}, revision, closed_at, received_at, batch_id FROM report_villages")
