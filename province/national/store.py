"""The national intake's writes, in bulk statements on the session's own DB-API connection: a batch of 5,000
commune-days is one read, one bulk upsert and one upsert of the per-commune totals, not 5,000 ORM rows.

The highest-revision rule is in the statement itself (`ON CONFLICT … DO UPDATE … WHERE excluded.revision >
stored revision`), so a batch re-sent or arriving late never replaces a newer figure. SQLite: executemany of
that statement (in the process, no round trips). PostgreSQL: COPY into a temporary table, then one
`INSERT … SELECT … ON CONFLICT` (the way province.intake_writer takes a laptop's backlog).

The page reads `national_commune_totals` (one row per commune: cumulative counts, days, provisional days,
first/last day), kept here at intake by deltas, so a request sums ~3,300 rows, never 1.2 M. The province
hub's row is locked first (UPDATE of its last batch time), so two batches of one province never interleave
their deltas; a commune only ever comes from its own province. Parameters are given in the form SQLAlchemy's
types would store them (SQLite: ISO text), skipping its per-row bind processing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from province.national.rollup import Row

_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # the exact text SQLAlchemy's SQLite DateTime stores
COPY_FROM = 64  # PostgreSQL: this many new rows or more go in by COPY
_COLS = ("commune_code", "day", "province_code", "revision", "provisional", "values_json", "batch_id", "received_at",
         "completeness_json")
_PG_TYPES = ("varchar", "date", "varchar", "int4", "int4", "text", "varchar", "timestamp", "text")
# a revision without completeness (a day past the province's window, or a version-1 hub) keeps the one held
_SET = ", ".join(f"{c} = excluded.{c}" for c in _COLS[2:-1]) + \
    ", completeness_json = COALESCE(excluded.completeness_json, national_commune_days.completeness_json)"
_UPSERT = (f"INSERT INTO national_commune_days ({', '.join(_COLS)}) {{source}} ON CONFLICT (commune_code, day) "
           f"DO UPDATE SET {_SET} WHERE excluded.revision > national_commune_days.revision")
# by the primary key (commune, day): a commune's rows only ever come from its province (checked before)
_HELD = ("SELECT commune_code, day, revision, provisional, values_json FROM national_commune_days "
         "WHERE commune_code IN ({marks}) AND day BETWEEN ? AND ?")
_TOT_COLS = ("commune_code", "province_code", "values_json", "days", "provisional_days", "first_day", "last_day",
             "last_revision")
_TOTALS = f"SELECT {', '.join(_TOT_COLS)} FROM national_commune_totals WHERE commune_code IN ({{marks}})"
_TOT_UPSERT = (f"INSERT INTO national_commune_totals ({', '.join(_TOT_COLS)}) VALUES ({', '.join('?' * 8)}) "
               "ON CONFLICT (commune_code) DO UPDATE SET "
               + ", ".join(f"{c} = excluded.{c}" for c in _TOT_COLS[1:]))
_LOCK = "UPDATE national_provinces SET last_batch_at = ? WHERE province_code = ?"


@dataclass(slots=True)
class Totals:
    """One commune's running totals as the page shows them."""

    province: str
    values: dict[str, int] = field(default_factory=dict)
    days: int = 0
    provisional_days: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    last_revision: int = 0

    def add(self, day: dt.date, revision: int, provisional: bool, values: dict[str, int], sign: int) -> None:
        if not values:
            return  # a completeness-only row (the commune sent nothing that day): not a day of figures
        for k, v in values.items():
            self.values[k] = self.values.get(k, 0) + sign * int(v)
        self.days += sign
        self.provisional_days += sign * int(bool(provisional))
        if sign > 0:
            self.first_day = day if self.first_day is None or day < self.first_day else self.first_day
            if self.last_day is None or day >= self.last_day:
                self.last_day, self.last_revision = day, revision


def values_text(values: dict[str, int]) -> str:
    """json.dumps(values, sort_keys=True) without its per-call encoder set-up: keys are known indicator keys
    (no escaping), values ints (checked by rollup.rows_of)."""
    return "{" + ", ".join(f'"{k}": {int(v)}' for k, v in sorted(values.items())) + "}"


@lru_cache(maxsize=4096)
def completeness_text(t: tuple[int, ...] | None) -> str | None:
    """A row's checked completeness (rollup._completeness: eight ints) as stored JSON (named), or None."""
    if t is None:
        return None
    return (f'{{"expected": {t[0]}, "late": {{"network": {t[4]}, "phone": {t[6]}, "usb": {t[5]}}}, '
            f'"missing": {t[7]}, "on_time": {{"network": {t[1]}, "phone": {t[3]}, "usb": {t[2]}}}}}')


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class NationalWriter:
    """Raw statements inside the session's transaction."""

    def __init__(self, s: Session) -> None:
        conn = s.connection()
        self.sqlite = conn.dialect.name == "sqlite"
        self.raw: Any = conn.connection.dbapi_connection

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def _v_day(self, d: dt.date) -> Any:
        return d.isoformat() if self.sqlite else d

    def _v_ts(self, when: dt.datetime) -> Any:
        naive = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
        return naive.strftime(_SQLITE_TS) if self.sqlite else naive

    def lock_province(self, province: str, at: dt.datetime) -> None:
        cur = self.raw.cursor()
        cur.execute(self._sql(_LOCK), (self._v_ts(at), province))

    def held(self, province: str, rows: Sequence[Row]) -> dict[tuple[str, dt.date], tuple[int, int, str]]:
        """(commune, day) → (revision, provisional, values_json) stored for the batch's communes and days."""
        found = {r.commune for r in rows}
        lo, hi = min(r.day for r in rows), max(r.day for r in rows)
        cur = self.raw.cursor()
        cur.execute(self._sql(_HELD.format(marks=", ".join("?" * len(found)))),
                    (*sorted(found), self._v_day(lo), self._v_day(hi)))
        return {(c, _day(d)): (int(rev), int(prov), vals) for c, d, rev, prov, vals in cur.fetchall()}

    def upsert(self, province: str, batch_id: str, rows: Sequence[Row], at: dt.datetime) -> None:
        when = self._v_ts(at)
        params = [(r.commune, self._v_day(r.day), province, r.revision, int(r.provisional),
                   values_text(r.values), batch_id, when, completeness_text(r.completeness)) for r in rows]
        cur = self.raw.cursor()
        if self.sqlite or len(params) < COPY_FROM:
            cur.executemany(self._sql(_UPSERT.format(source=f"VALUES ({', '.join('?' * len(_COLS))})")), params)
            return
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS national_incoming (LIKE national_commune_days) "
                    "ON COMMIT DELETE ROWS")
        with cur.copy(f"COPY national_incoming ({', '.join(_COLS)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_PG_TYPES)
            for p in params:
                copy.write_row(p)
        cur.execute(_UPSERT.format(source=f"SELECT {', '.join(_COLS)} FROM national_incoming"))

    def totals(self, communes: Sequence[str]) -> dict[str, Totals]:
        cur = self.raw.cursor()
        cur.execute(self._sql(_TOTALS.format(marks=", ".join("?" * len(communes)))), tuple(communes))
        out = {}
        for c, prov, vals, days, pdays, first, last, last_rev in cur.fetchall():
            out[c] = Totals(prov, json.loads(vals), int(days), int(pdays), _day(first) if first else None,
                            _day(last) if last else None, int(last_rev))
        return out

    def put_totals(self, totals: dict[str, Totals]) -> None:
        cur = self.raw.cursor()
        cur.executemany(self._sql(_TOT_UPSERT), [
            (c, t.province, values_text(t.values), t.days, t.provisional_days,
             self._v_day(t.first_day) if t.first_day else None, self._v_day(t.last_day) if t.last_day else None,
             t.last_revision) for c, t in sorted(totals.items())])


def store(s: Session, province: str, batch_id: str, rows: Sequence[Row], at: dt.datetime) -> tuple[int, int]:
    """Store the rows newer than what is held; keep the communes' totals. (stored, stale) counts."""
    w = NationalWriter(s)
    w.lock_province(province, at)
    if not rows:
        return 0, 0
    held = w.held(province, rows)
    fresh = [r for r in rows if (old := held.get((r.commune, r.day))) is None or r.revision > old[0]]
    if fresh:
        totals = w.totals(sorted({r.commune for r in fresh}))
        for r in fresh:
            t = totals.setdefault(r.commune, Totals(province))
            old = held.get((r.commune, r.day))
            if old is not None:  # a later revision replaces a day: its old figures leave the totals
                t.add(r.day, old[0], bool(old[1]), json.loads(old[2]), -1)
            t.add(r.day, r.revision, r.provisional, r.values, +1)
        w.upsert(province, batch_id, fresh, at)
        w.put_totals(totals)
    return len(fresh), len(rows) - len(fresh)
