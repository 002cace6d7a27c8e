"""Target sets: several named targets per indicator, each with a deadline, and per commune a target count and
its denominator. New tables only, created in the one migration transaction (province.migrations.upgrade:
BEGIN IMMEDIATE on SQLite, transactional DDL on PostgreSQL), so a crash mid-way leaves the database at the
previous revision with neither table. The single `targets` table stays as it is: an older hub on this
database keeps working and does not see the sets.

Revision ID: 0011_target_sets
Revises: 0010_arrivals
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_target_sets"
down_revision = "0010_arrivals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_target_sets"),
        sa.UniqueConstraint("name", "indicator", name="uq_target_sets_name_indicator"),
    )
    op.create_table(
        "target_set_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["set_id"], ["target_sets.id"], name="fk_target_set_values_set_id_target_sets",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name="fk_target_set_values_commune_code_communes"),
        sa.PrimaryKeyConstraint("id", name="pk_target_set_values"),
        sa.UniqueConstraint("set_id", "commune_code", name="uq_target_set_values_set_id_commune_code"),
    )
    op.create_index("ix_target_set_values_commune_code", "target_set_values", ["commune_code"])


def downgrade() -> None:
    op.drop_index("ix_target_set_values_commune_code", "target_set_values")
    op.drop_table("target_set_values")
    op.drop_table("target_sets")
