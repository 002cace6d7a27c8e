"""Scheduling (sessions, appointments), closed-day reports, the sync outbox and targets.

Revision ID: 0002_schedule_reports
Revises: 0001_register
"""

from alembic import op
import sqlalchemy as sa

revision = "0002_schedule_reports"
down_revision = "0001_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("indicator", name=op.f("uq_targets_indicator")),
    )
    op.create_table(
        "day_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("totals_json", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["operators.id"], name=op.f("fk_day_reports_closed_by_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_reports")),
        sa.UniqueConstraint("point_code", "day", "revision", name="uq_day_reports_rev"),
    )
    op.create_table(
        "enrollment_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("kits", sa.Integer(), nullable=False),
        sa.Column("minutes_per_person", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["points.id"], name=op.f("fk_enrollment_sessions_point_id_points")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment_sessions")),
    )
    with op.batch_alter_table("enrollment_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollment_sessions_day"), ["day"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", sa.Time(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rescheduled_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizens.id"], name=op.f("fk_appointments_citizen_id_citizens")
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from_id"],
            ["appointments.id"],
            name=op.f("fk_appointments_rescheduled_from_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["enrollment_sessions.id"],
            name=op.f("fk_appointments_session_id_enrollment_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_session_id"), ["session_id"], unique=False)
        batch_op.create_index("ix_appointments_slot", ["session_id", "slot_start"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["day_reports.id"], name=op.f("fk_outbox_report_id_day_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("report_id", name=op.f("uq_outbox_report_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))

    op.drop_table("outbox")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_slot")
        batch_op.drop_index(batch_op.f("ix_appointments_session_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_citizen_id"))

    op.drop_table("appointments")
    with op.batch_alter_table("enrollment_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_sessions_day"))

    op.drop_table("enrollment_sessions")
    op.drop_table("day_reports")
    op.drop_table("targets")
