"""The commune register: citizens, status events, points, operators, audit log, settings, search index.

Revision ID: 0001_register
Revises:
"""

from alembic import op
import sqlalchemy as sa

revision = "0001_register"
down_revision = None
branch_labels = None
depends_on = None

# Folded search text indexed by FTS5 trigram (substring search; SQLite's own diacritic removal misses đ and
# letters with two marks, so the folded column is built in Python). External content keeps one copy.
FTS_DDL = [
    "CREATE VIRTUAL TABLE citizens_fts USING fts5(search_text, content='citizens', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER citizens_fts_ai AFTER INSERT ON citizens BEGIN "
    "INSERT INTO citizens_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER citizens_fts_ad AFTER DELETE ON citizens BEGIN "
    "INSERT INTO citizens_fts(citizens_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER citizens_fts_au AFTER UPDATE OF search_text ON citizens BEGIN "
    "INSERT INTO citizens_fts(citizens_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO citizens_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=12), nullable=True),
        sa.Column("old_cmnd", sa.String(length=9), nullable=True),
        sa.Column("full_name_raw", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("middle_name", sa.Text(), nullable=False),
        sa.Column("given_name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("given_key", sa.Text(), nullable=False),
        sa.Column("sort_given", sa.Text(), nullable=False),
        sa.Column("sort_family", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("village", sa.Text(), nullable=False),
        sa.Column("village_key", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("needs_home_visit", sa.Boolean(), nullable=False),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("card_issued_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("possible_duplicate_of", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("has_card", sa.Boolean(), nullable=False),
        sa.Column("vneid_stage", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["possible_duplicate_of"],
            ["citizens.id"],
            name=op.f("fk_citizens_possible_duplicate_of_citizens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sa.UniqueConstraint("id_number", name=op.f("uq_citizens_id_number")),
    )
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizens_given_key"), ["given_key"], unique=False)
        batch_op.create_index("ix_citizens_match", ["name_key", "birth_year", "village_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizens_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizens_sort_family"), ["sort_family"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizens_sort_given"), ["sort_given"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizens_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_citizens_village_key"), ["village_key"], unique=False)

    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
    )
    op.create_table(
        "points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points")),
        sa.UniqueConstraint("code", name=op.f("uq_points_code")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_audit_log_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_status_events_citizen_id_citizens"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_status_events_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(["point_id"], ["points.id"], name=op.f("fk_status_events_point_id_points")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
    )
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_events_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_status_events_day", ["occurred_on", "point_id", "event_type"], unique=False)

    for stmt in FTS_DDL:
        op.execute(stmt)


def downgrade() -> None:
    for name in ("citizens_fts_au", "citizens_fts_ad", "citizens_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS citizens_fts")
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_index("ix_status_events_day")
        batch_op.drop_index(batch_op.f("ix_status_events_citizen_id"))

    op.drop_table("status_events")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("settings")
    op.drop_table("points")
    op.drop_table("operators")
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizens_village_key"))
        batch_op.drop_index(batch_op.f("ix_citizens_status"))
        batch_op.drop_index(batch_op.f("ix_citizens_sort_given"))
        batch_op.drop_index(batch_op.f("ix_citizens_sort_family"))
        batch_op.drop_index(batch_op.f("ix_citizens_phone"))
        batch_op.drop_index("ix_citizens_match")
        batch_op.drop_index(batch_op.f("ix_citizens_given_key"))

    op.drop_table("citizens")
