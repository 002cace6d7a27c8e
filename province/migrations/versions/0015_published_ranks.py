"""Published rankings (one row per day, target set and commune, never rewritten) and the admin's commune
groups. New tables only.

Revision ID: 0015_published_ranks
Revises: 0014_account_scope
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_published_ranks"
down_revision = "0014_account_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_ranks",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("have", sa.Integer(), nullable=False),
        sa.Column("of", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["target_sets.id"], name="fk_published_ranks_set_id_target_sets",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day", "set_id", "commune_code", name="pk_published_ranks"),
    )
    op.create_table(
        "commune_groups",
        sa.Column("group_name", sa.String(120), nullable=False),
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"], name="fk_commune_groups_commune_code_communes"),
        sa.PrimaryKeyConstraint("group_name", "commune_code", name="pk_commune_groups"),
    )


def downgrade() -> None:
    op.drop_table("commune_groups")
    op.drop_table("published_ranks")
