"""A dead laptop's successor and laptops held for the admin: `enrolment_codes.replaces_device_id`
(a replacement code names the device it replaces), `devices.held_reason` (a restored laptop enrolled as new
waits for the admin, its reports not summed) and `device_successions` (the replaced laptop's old token hash and
key, so it is refused with words if it reappears). New nullable/defaulted columns and a new table only.

Revision ID: 0008_succession
Revises: 0007_device_previous_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_succession"
down_revision = "0007_device_previous_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.add_column(sa.Column("replaces_device_id", sa.String(32), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("held_reason", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("enrol_protocol", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "device_successions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(32), nullable=False),
        sa.Column("old_token_hash", sa.String(64), nullable=False),
        sa.Column("old_public_key", sa.String(100), nullable=False),
        sa.Column("old_name", sa.String(200), nullable=False),
        sa.Column("successor_name", sa.String(200), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_device_successions"),
        sa.UniqueConstraint("old_token_hash", name="uq_device_successions_old_token_hash"),
    )
    op.create_index("ix_device_successions_device_id", "device_successions", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_device_successions_device_id", table_name="device_successions")
    op.drop_table("device_successions")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("enrol_protocol")
        batch.drop_column("held_reason")
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.drop_column("replaces_device_id")
