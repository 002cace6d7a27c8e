"""Account scope: a dashboard account may be bound to one province (`province_code`) or to a list of
communes (`communes`, leaders). Both columns are nullable and left empty for existing accounts, which keep
seeing the whole hub.

Revision ID: 0014_account_scope
Revises: 0013_national_totals
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_account_scope"
down_revision = "0013_national_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hub_users") as batch:
        batch.add_column(sa.Column("province_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("communes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hub_users") as batch:
        batch.drop_column("communes")
        batch.drop_column("province_code")
