"""`device_previous_keys`: the public keys a device had before a re-enrolment re-keyed it, so that a bundle
signed before the re-enrolment (carried on a stick after it) is accepted while the key is recent and refused
by name after that. New table only; nothing existing changes.

Revision ID: 0007_device_previous_keys
Revises: 0006_one_report_store
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_device_previous_keys"
down_revision = "0006_one_report_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_previous_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(32), sa.ForeignKey("devices.id",
                  name="fk_device_previous_keys_device_id_devices"), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_device_previous_keys"),
    )
    op.create_index("ix_device_previous_keys_device_id", "device_previous_keys", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_device_previous_keys_device_id", table_name="device_previous_keys")
    op.drop_table("device_previous_keys")
