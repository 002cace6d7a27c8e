"""The province hub schema: communes, targets, devices, enrolment codes, batches, report values and
per-report breakdowns, audit log.

Revision ID: 0001_hub
Revises:
"""

from alembic import op
import sqlalchemy as sa

revision = "0001_hub"
down_revision = None
branch_labels = None
depends_on = None

# 64-bit ids on PostgreSQL; SQLite needs plain INTEGER for its rowid alias.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "communes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=32), nullable=False),
        sa.Column("province_name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_communes")),
    )
    op.create_index(op.f("ix_communes_province_code"), "communes", ["province_code"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_batches")),
    )
    op.create_index(op.f("ix_batches_commune_code"), "batches", ["commune_code"], unique=False)
    op.create_index(op.f("ix_batches_device_id"), "batches", ["device_id"], unique=False)
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", sa.DateTime(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_code"], ["communes.code"], name=op.f("fk_devices_commune_code_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_devices_token_hash")),
    )
    op.create_index(op.f("ix_devices_commune_code"), "devices", ["commune_code"], unique=False)
    op.create_table(
        "enrolment_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_code"], ["communes.code"], name=op.f("fk_enrolment_codes_commune_code_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enrolment_codes_code_hash")),
    )
    op.create_index(
        op.f("ix_enrolment_codes_commune_code"), "enrolment_codes", ["commune_code"], unique=False
    )
    op.create_table(
        "report_values",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("point_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_code"], ["communes.code"], name=op.f("fk_report_values_commune_code_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_values")),
        sa.UniqueConstraint(
            "commune_code",
            "point_code",
            "day",
            "indicator",
            name=op.f("uq_report_values_commune_code_point_code_day_indicator"),
        ),
    )
    op.create_table(
        "report_villages",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("point_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("breakdown_json", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("card_captured", sa.Integer(), nullable=False),
        sa.Column("vneid_l2_captured", sa.Integer(), nullable=False),
        sa.Column("vneid_activated", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_code"], ["communes.code"], name=op.f("fk_report_villages_commune_code_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_villages")),
        sa.UniqueConstraint(
            "commune_code", "point_code", "day", name=op.f("uq_report_villages_commune_code_point_code_day")
        ),
    )
    op.create_index(
        "ix_report_villages_day_commune", "report_villages", ["day", "commune_code"], unique=False
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_code"], ["communes.code"], name=op.f("fk_targets_commune_code_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("commune_code", "indicator", name=op.f("uq_targets_commune_code_indicator")),
    )
    op.create_index(op.f("ix_targets_commune_code"), "targets", ["commune_code"], unique=False)


def downgrade() -> None:
    op.drop_table("report_villages")
    op.drop_table("report_values")
    op.drop_table("targets")
    op.drop_table("enrolment_codes")
    op.drop_table("devices")
    op.drop_table("batches")
    op.drop_table("audit_log")
    op.drop_table("communes")
