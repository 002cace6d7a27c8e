"""The national hub's per-commune running totals (province.national.store keeps them at intake), filled from
the commune-days already held.

Revision ID: 0013_national_totals
Revises: 0012_national
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0013_national_totals"
down_revision = "0012_national"
branch_labels = None
depends_on = None


def _day(value: object) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def upgrade() -> None:
    totals = op.create_table(
        "national_commune_totals",
        sa.Column("commune_code", sa.String(32), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("values_json", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("provisional_days", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("last_revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("commune_code", name="pk_national_commune_totals"),
    )
    op.create_index("ix_national_commune_totals_province_code", "national_commune_totals", ["province_code"])
    acc: dict[str, dict[str, object]] = {}
    for commune, day, province, revision, provisional, values in op.get_bind().execute(sa.text(
            "SELECT commune_code, day, province_code, revision, provisional, values_json "
            "FROM national_commune_days ORDER BY commune_code, day")):
        t = acc.setdefault(commune, {"commune_code": commune, "province_code": province, "values": {}, "days": 0,
                                     "provisional_days": 0, "first_day": _day(day), "last_day": _day(day),
                                     "last_revision": revision})
        sums: dict[str, int] = t["values"]  # type: ignore[assignment]
        for k, v in json.loads(values).items():
            sums[k] = sums.get(k, 0) + int(v)
        t["days"] = int(t["days"]) + 1  # type: ignore[call-overload]
        t["provisional_days"] = int(t["provisional_days"]) + int(bool(provisional))  # type: ignore[call-overload]
        t["last_day"], t["last_revision"] = _day(day), revision
    if acc:
        op.bulk_insert(totals, [{**{k: v for k, v in t.items() if k != "values"},
                                 "values_json": json.dumps(t["values"], sort_keys=True)} for t in acc.values()])


def downgrade() -> None:
    op.drop_index("ix_national_commune_totals_province_code", "national_commune_totals")
    op.drop_table("national_commune_totals")
