"""Login rate limits and lockouts in the database, shared by every hub process (`login_throttle`). A new
table only: an older hub on this database simply keeps its limits in memory.

Revision ID: 0009_login_throttle
Revises: 0008_succession
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_login_throttle"
down_revision = "0008_succession"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("until", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )
    op.create_index("ix_login_throttle_expires", "login_throttle", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_login_throttle_expires", "login_throttle")
    op.drop_table("login_throttle")
