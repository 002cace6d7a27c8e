"""Reports keyed by device: several laptops of one commune report the same point and day, and the hub adds
them up. `report_values` and `report_villages` get a `device_id` (the device whose signed batch stored the
row — taken from `batches` by the row's batch id and commune; a row whose batch is not on record gets the
device `unknown`), their unique keys become (commune, point, day, device[, indicator]), and the new
`device_freshness` (first/last day reported and last arrival per device) is backfilled from the stored
reports. Every stored report is kept; `commune_totals` / `commune_freshness` do not change (they already
sum the rows, now of every device).

Revision ID: 0004_report_per_device
Revises: 0003_batch_per_device
"""

from alembic import op
import sqlalchemy as sa

revision = "0004_report_per_device"
down_revision = "0003_batch_per_device"
branch_labels = None
depends_on = None

UNKNOWN_DEVICE = "unknown"


# The batch that last wrote a report row; batch ids were unique per device, and a row's batch belongs to the
# row's commune (the hub refuses any other), so MIN() only breaks a tie that cannot happen in practice.
# Indexed lookups only (a hub holds a million value rows): a temporary index on batches(batch_id) for the
# report rows, then each value row takes the device of its report through the still-unique (commune, point,
# day) key of report_villages.
_VILLAGES_DEVICE = (
    "UPDATE report_villages SET device_id = COALESCE((SELECT MIN(b.device_id) FROM batches b "
    "WHERE b.batch_id = report_villages.batch_id AND b.commune_code = report_villages.commune_code), "
    f"'{UNKNOWN_DEVICE}')"
)
_VALUES_DEVICE = (
    "UPDATE report_values SET device_id = COALESCE((SELECT v.device_id FROM report_villages v "
    "WHERE v.commune_code = report_values.commune_code AND v.point_code = report_values.point_code "
    f"AND v.day = report_values.day), '{UNKNOWN_DEVICE}')"
)


def upgrade() -> None:
    for table in ("report_villages", "report_values"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("device_id", sa.String(length=32), nullable=True))
    op.create_index("ix_batches_batch_id_0004", "batches", ["batch_id"], unique=False)
    op.execute(_VILLAGES_DEVICE)
    op.drop_index("ix_batches_batch_id_0004", table_name="batches")
    op.execute(_VALUES_DEVICE)
    with op.batch_alter_table("report_villages", recreate="auto") as batch:
        batch.alter_column("device_id", existing_type=sa.String(length=32), nullable=False)
        batch.drop_constraint("uq_report_villages_commune_code_point_code_day", type_="unique")
        batch.create_unique_constraint("uq_report_villages_device_key",
                                       ["commune_code", "point_code", "day", "device_id"])
    with op.batch_alter_table("report_values", recreate="auto") as batch:
        batch.alter_column("device_id", existing_type=sa.String(length=32), nullable=False)
        batch.drop_constraint("uq_report_values_commune_code_point_code_day_indicator", type_="unique")
        batch.create_unique_constraint("uq_report_values_device_key",
                                       ["commune_code", "point_code", "day", "device_id", "indicator"])
    op.create_table(
        "device_freshness",
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_device_freshness_commune_code_communes")),
        sa.PrimaryKeyConstraint("device_id", "commune_code", name=op.f("pk_device_freshness")),
    )
    op.create_index(op.f("ix_device_freshness_commune_code"), "device_freshness", ["commune_code"], unique=False)
    op.execute(
        "INSERT INTO device_freshness (device_id, commune_code, first_day, last_day, last_received_at) "
        "SELECT device_id, commune_code, MIN(day), MAX(day), MAX(received_at) FROM report_villages "
        "GROUP BY device_id, commune_code"
    )


def downgrade() -> None:  # only possible while no (commune, point, day) has reports of two devices
    op.drop_index(op.f("ix_device_freshness_commune_code"), table_name="device_freshness")
    op.drop_table("device_freshness")
    with op.batch_alter_table("report_values", recreate="auto") as batch:
        batch.drop_constraint("uq_report_values_device_key", type_="unique")
        batch.create_unique_constraint("uq_report_values_commune_code_point_code_day_indicator",
                                       ["commune_code", "point_code", "day", "indicator"])
        batch.drop_column("device_id")
    with op.batch_alter_table("report_villages", recreate="auto") as batch:
        batch.drop_constraint("uq_report_villages_device_key", type_="unique")
        batch.create_unique_constraint("uq_report_villages_commune_code_point_code_day",
                                       ["commune_code", "point_code", "day"])
        batch.drop_column("device_id")
