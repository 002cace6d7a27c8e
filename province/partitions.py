"""PostgreSQL keeps `report_villages` partitioned by the report's month (migration 0019_report_partitions):
one partition per calendar month, `report_villages_YYYY_MM`, and a default partition for any day outside them
(a far-past or far-future day is stored, never refused). SQLite keeps one table.

The months are created before their reports arrive: by the migration (from the first stored month to 24 months
after today) and at every start of a hub process (`ensure_ahead`, called by open_hub: from MONTHS_BACK months
before today, for a new hub's first backlog, to MONTHS_AHEAD after it), under
a transaction-scoped advisory lock so several workers starting at once create each month once. A month whose
reports already sit in the default partition is left there (moving them would lock the table; they are read
and counted the same), and said in the log.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

TABLE = "report_villages"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 24
MONTHS_BACK = 24  # a hub set up after months of laptops' work receives their backlog into its months
LOCK_KEY = 0x45504152  # "EPAR": the partitions' advisory lock (the migrations' is another key)

log = logging.getLogger(__name__)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def is_partitioned(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and bool(conn.execute(text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = :t AND c.relnamespace = to_regnamespace(current_schema())::oid"), {"t": TABLE}).first())


def existing(conn: Connection) -> set[str]:
    rows = conn.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t "
        "AND p.relnamespace = to_regnamespace(current_schema())::oid"), {"t": TABLE})
    return {name for (name,) in rows}


def ensure_months(conn: Connection, first: dt.date, last: dt.date) -> list[str]:
    """Create the monthly partitions from `first`'s month to `last`'s that do not exist (and the default one);
    returns the names created. Runs inside the caller's transaction."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    have = existing(conn)
    made: list[str] = []
    if DEFAULT not in have:
        conn.execute(text(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT"))
        made.append(DEFAULT)
    for m in months(first, last):
        name = partition_name(m)
        if name in have:
            continue
        end = next_month(m)
        if conn.execute(text(f"SELECT 1 FROM {DEFAULT} WHERE day >= :a AND day < :b LIMIT 1"),
                        {"a": m, "b": end}).first():
            log.warning("reports of %s are in the default partition; month partition %s not created", m, name)
            continue
        conn.execute(text(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{m.isoformat()}') "
                          f"TO ('{end.isoformat()}')"))
        made.append(name)
    return made


def shift(month: dt.date, by: int) -> dt.date:
    """The first day of the month `by` months after (before, when negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def ensure_ahead(engine: Engine, today: dt.date | None = None) -> list[str]:
    """At a hub's start: the months from MONTHS_BACK before today (a new hub's first backlog lands in its
    months) to MONTHS_AHEAD after it exist (PostgreSQL, once the table is partitioned; nothing elsewhere)."""
    if engine.dialect.name != "postgresql":
        return []
    month = month_start(today or dt.date.today())
    with engine.begin() as conn:
        if not is_partitioned(conn):
            return []
        return ensure_months(conn, shift(month, -MONTHS_BACK), shift(month, MONTHS_AHEAD))


def describe(conn: Any) -> dict[str, int]:
    """Partition name → its rows (for the admin and the tests)."""
    return {name: int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar() or 0)
            for name in sorted(existing(conn))}
