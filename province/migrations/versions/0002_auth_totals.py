"""Dashboard login (accounts, sessions, one-time login links, hub settings) and the running totals the
dashboard reads (per commune and indicator, and per-commune freshness), backfilled from the stored reports.

Revision ID: 0002_auth_totals
Revises: 0001_hub
"""

from alembic import op
import sqlalchemy as sa

revision = "0002_auth_totals"
down_revision = "0001_hub"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hub_settings")),
    )
    op.create_table(
        "hub_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_users")),
        sa.UniqueConstraint("name", name=op.f("uq_hub_users_name")),
    )
    op.create_table(
        "hub_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hub_users.id"], name=op.f("fk_hub_sessions_user_id_hub_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_hub_sessions")),
    )
    op.create_index(op.f("ix_hub_sessions_user_id"), "hub_sessions", ["user_id"], unique=False)
    op.create_index(op.f("ix_hub_sessions_expires_at"), "hub_sessions", ["expires_at"], unique=False)
    op.create_table(
        "hub_login_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["hub_users.id"],
                                name=op.f("fk_hub_login_links_user_id_hub_users")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_hub_login_links")),
    )
    op.create_index(op.f("ix_hub_login_links_user_id"), "hub_login_links", ["user_id"], unique=False)

    op.create_table(
        "commune_totals",
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_commune_totals_commune_code_communes")),
        sa.PrimaryKeyConstraint("commune_code", "indicator", name=op.f("pk_commune_totals")),
    )
    op.create_table(
        "commune_freshness",
        sa.Column("commune_code", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("last_received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_commune_freshness_commune_code_communes")),
        sa.PrimaryKeyConstraint("commune_code", name=op.f("pk_commune_freshness")),
    )
    # Backfill from what is already stored (report_values is authoritative; one row per report for days).
    op.execute(
        "INSERT INTO commune_totals (commune_code, indicator, value) "
        "SELECT commune_code, indicator, SUM(value) FROM report_values GROUP BY commune_code, indicator"
    )
    op.execute(
        "INSERT INTO commune_freshness (commune_code, first_day, last_day, last_received_at) "
        "SELECT commune_code, MIN(day), MAX(day), MAX(received_at) FROM report_villages GROUP BY commune_code"
    )


def downgrade() -> None:
    op.drop_table("commune_freshness")
    op.drop_table("commune_totals")
    op.drop_index(op.f("ix_hub_login_links_user_id"), table_name="hub_login_links")
    op.drop_table("hub_login_links")
    op.drop_index(op.f("ix_hub_sessions_expires_at"), table_name="hub_sessions")
    op.drop_index(op.f("ix_hub_sessions_user_id"), table_name="hub_sessions")
    op.drop_table("hub_sessions")
    op.drop_table("hub_users")
    op.drop_table("hub_settings")
