"""Batch ids scoped by device: the primary key of `batches` becomes (device_id, batch_id), so a device can
neither claim another device's batch id (read from its USB bundle) nor make that device's batches 409.
Existing rows are kept as they are (batch ids were globally unique, so they are unique per device too).
The separate index on device_id goes: the primary key now leads with it.

Revision ID: 0003_batch_per_device
Revises: 0002_auth_totals
"""

from alembic import op

revision = "0003_batch_per_device"
down_revision = "0002_auth_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_batches_device_id"), table_name="batches")
    with op.batch_alter_table("batches", recreate="auto") as batch:
        batch.drop_constraint("pk_batches", type_="primary")
        batch.create_primary_key("pk_batches", ["device_id", "batch_id"])


def downgrade() -> None:  # only possible while no batch id is used by two devices
    with op.batch_alter_table("batches", recreate="auto") as batch:
        batch.drop_constraint("pk_batches", type_="primary")
        batch.create_primary_key("pk_batches", ["batch_id"])
    op.create_index(op.f("ix_batches_device_id"), "batches", ["device_id"], unique=False)
