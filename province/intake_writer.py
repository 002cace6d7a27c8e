"""The intake's SQL, on the session's own DB-API connection, in as few round trips as each backend allows.

SQLite is in the process: a statement costs no round trip, so statements run one after another.
PostgreSQL is a server: each statement costs a round trip, a context switch on both sides and the driver's
per-statement work; one per statement made the hub's intake 1.5–2× slower on PostgreSQL than on SQLite
(psycopg's pipeline mode was measured too: its own overhead outweighs what it saves for 2–10 statements).
Here a backlog (COPY_FROM_ROWS reports or more) on PostgreSQL is one transaction of three statements and a
COMMIT: (lock the device, claim the batch id, read this device's stored reports) as one statement; COPY of
the new reports; every other write as one statement (data-modifying WITH parts, each run exactly once). A
day's delivery (fewer reports) is one autocommitted statement that writes everything and succeeds or fails
whole (`write_at_once`), first as if all its reports were new; when a key is taken (a resend, a
correction), a read (the batch id seen? the stored reports) and the same write again, which fails if a
report it updates changed since it was read (optimistic). A failed statement's driver error is raised as
SQLAlchemy's IntegrityError/OperationalError or as StaleRead, which intake() retries or replays.

Concurrency (two deliveries of one device at once: a bundle and the network): the transaction reads the
stored reports FOR UPDATE (latest committed values); the one-statement way checks, in its write, that
every report it updates still has the revision it read. Either way a report another delivery inserted meanwhile
makes the insert fail on the unique key, and intake() runs the delivery again; two devices never wait for
each other. SQLite writers are serialised by BEGIN IMMEDIATE.

Parameters are given in the form each backend's SQLAlchemy types would have produced (SQLite: ISO text;
PostgreSQL: date/datetime objects); skipping SQLAlchemy's per-row bind processing was the largest part of
the intake's time (cProfile).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from province import intake_rollups
from sync.protocol import INDICATORS

_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # the exact text SQLAlchemy's SQLite DateTime stores
COPY_FROM_ROWS = 8  # PostgreSQL: a batch bringing this many new reports or more puts them in by COPY

Row = tuple[Any, ...]
Part = tuple[str, Row]  # one statement ("?" marks) and its parameters
_VL_COLS = ("commune_code", "point_code", "day", "device_id", "revision", "content_hash", "closed_at",
            "received_at", "batch_id", "breakdown_json", *INDICATORS)
_VL_PG_TYPES = ("varchar", "varchar", "date", "varchar", "int4", "varchar", "timestamp", "timestamp", "varchar",
                "text", *("int4" for _ in INDICATORS))
_VL_ROW = f"({', '.join('?' * len(_VL_COLS))})"
_VL_INSERT = f"INSERT INTO report_villages ({', '.join(_VL_COLS)}) VALUES "
_VL_UPDATE_FROM = ("UPDATE report_villages SET " + ", ".join(f"{c}=u.{c}" for c in _VL_COLS[4:])
                   + " FROM (VALUES {rows}) AS u(" + ", ".join(_VL_COLS[4:]) + ", id) WHERE report_villages.id = u.id")
_VL_UPDATE_ROW = "(" + ", ".join(f"?::{t}" for t in (*_VL_PG_TYPES[4:], "bigint")) + ")"
_VL_UPDATE = ("UPDATE report_villages SET revision=?, content_hash=?, closed_at=?, received_at=?, batch_id=?, "
              f"breakdown_json=?, {', '.join(f'{i}=?' for i in INDICATORS)} WHERE id=?")
_LOCK_DEVICE = "UPDATE devices SET last_seen_at=? WHERE id=?"
_CLAIM = ("INSERT INTO batches (batch_id, device_id, commune_code, body_hash, summary_json, source, received_at) "
          "VALUES (?, ?, ?, ?, '{}', ?, ?) ON CONFLICT (device_id, batch_id) DO NOTHING RETURNING ")
_STORED_COLS = ("id", "point_code", "day", "revision", "content_hash", *INDICATORS)
_STORED = (f"SELECT {', '.join(_STORED_COLS)} FROM report_villages "
           "WHERE commune_code=? AND device_id=? AND day BETWEEN ? AND ?")
# PostgreSQL: the stored reports come back with the claim, as one JSON array (none when the claim failed).
_CLAIM_AND_STORED = (_CLAIM + f"(SELECT json_agg(json_build_array({', '.join(_STORED_COLS)})) FROM ("
                     + _STORED + " FOR UPDATE) stored)")
_REPLAY = "SELECT batch_id, body_hash, summary_json FROM batches WHERE device_id=? AND batch_id=?"
# PostgreSQL, a delivery of a few reports (a day's): read without a transaction, then write everything as one
# autocommitted statement that fails whole if a report it updates changed meanwhile (optimistic; see write_at_once).
_LOAD = ("SELECT (SELECT json_build_array(batch_id, body_hash, summary_json) FROM batches WHERE device_id=? AND "
         f"batch_id=?), (SELECT json_agg(json_build_array({', '.join(_STORED_COLS)})) FROM ({_STORED}) stored)")
_CLAIM_DONE = ("INSERT INTO batches (batch_id, device_id, commune_code, body_hash, summary_json, source, "
               "received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
_VL_UPDATE_CHECKED = ("UPDATE report_villages SET " + ", ".join(f"{c}=u.{c}" for c in _VL_COLS[4:])
                      + " FROM (VALUES {rows}) AS u(" + ", ".join(_VL_COLS[4:]) + ", id, expected) "
                      "WHERE report_villages.id = u.id AND report_villages.revision = u.expected RETURNING 1")
_VL_UPDATE_CHECKED_ROW = "(" + ", ".join(f"?::{t}" for t in (*_VL_PG_TYPES[4:], "bigint", "int4")) + ")"
STALE = "intake: a stored report changed meanwhile"  # the text of the error that undoes write_at_once
_ASSERT_UPDATED = f"SELECT CAST(CASE WHEN (SELECT count(*) FROM {{cte}}) = ? THEN '0' ELSE '{STALE}' END AS int)"
_TOTALS = ("INSERT INTO commune_totals (commune_code, indicator, value) VALUES "
           + ", ".join("(?, ?, ?)" for _ in INDICATORS)
           + " ON CONFLICT (commune_code, indicator) DO UPDATE SET value = commune_totals.value + excluded.value")
_FRESHNESS = ("INSERT INTO {table} ({key}first_day, last_day, last_received_at) VALUES ({marks}?, ?, ?) "
              "ON CONFLICT ({conflict}) DO UPDATE SET "
              "first_day = {least}({table}.first_day, excluded.first_day), "
              "last_day = {greatest}({table}.last_day, excluded.last_day), "
              "last_received_at = {greatest}({table}.last_received_at, excluded.last_received_at)")
_SUMMARY = "UPDATE batches SET summary_json=? WHERE device_id=? AND batch_id=?"
_AUDIT = "INSERT INTO audit_log (at, actor, action, commune_code, detail) VALUES (?, ?, ?, ?, ?)"
# The first arrival of (device, day) by this channel (province/models/steering.py): kept, never updated.
_ARRIVALS = ("INSERT INTO arrivals (device_id, day, channel, commune_code, first_at) VALUES {rows} "
             "ON CONFLICT (device_id, day, channel) DO NOTHING")
Arrival = tuple[str, Sequence[dt.date]]  # (channel, the batch's days)
DayDeltas = Mapping[dt.date, Sequence[int]]  # changed day → new − old per indicator (the roll-ups' share)


class StaleRead(Exception):
    """A report write_at_once was to update changed after it was read: nothing was written; run again."""


@dataclass(frozen=True)
class BatchKey:
    """The batch being stored: who sent it, which commune, its id, when it arrived (as the backend stores)."""

    device: str
    commune: str
    batch_id: str
    received: Any


class IntakeWriter:
    """Raw DB-API statements inside the caller's transaction (the SQLAlchemy session's connection)."""

    combined = True  # PostgreSQL: one statement per step (bench/bench_intake.py turns it off for its baseline)

    def __init__(self, conn: Any) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self.dbapi = conn.dialect.loaded_dbapi
        self.raw = conn.connection.dbapi_connection
        least, greatest = ("MIN", "MAX") if self.sqlite else ("LEAST", "GREATEST")
        fmt = {"least": least, "greatest": greatest}
        self._commune_fresh = _FRESHNESS.format(table="commune_freshness", key="commune_code, ", marks="?, ",
                                                conflict="commune_code", **fmt)
        self._device_fresh = _FRESHNESS.format(table="device_freshness", key="device_id, commune_code, ",
                                               marks="?, ?, ", conflict="device_id, commune_code", **fmt)

    # -- values as the backend stores them -------------------------------------------------------------

    def day(self, d: dt.date) -> Any:
        return d.isoformat() if self.sqlite else d

    @staticmethod
    def read_day(value: Any) -> dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    def ts(self, when: dt.datetime) -> Any:
        naive = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
        return naive.strftime(_SQLITE_TS) if self.sqlite else naive

    # -- the three steps of a batch --------------------------------------------------------------------

    def claim_and_load(self, key: BatchKey, body_hash: str, source: str, first: dt.date, last: dt.date
                       ) -> tuple[bool, list[Row]]:
        """Lock the device (its other deliveries wait here), claim the batch id (False: already stored; a
        duplicate that waited finds it taken), and read this device's stored reports of the batch's days."""
        lock: Part = (_LOCK_DEVICE, (key.received, key.device))
        claim = (key.batch_id, key.device, key.commune, body_hash, source, key.received)
        stored = (key.commune, key.device, self.day(first), self.day(last))
        with self._errors():
            if self.sqlite or not self.combined:
                cur = self._run([lock, (_CLAIM + "batch_id", claim)])
                if cur.fetchone() is None:
                    return False, []
                cur.execute(self._sql(_STORED if self.sqlite else _STORED + " FOR UPDATE"), stored)
                return True, cur.fetchall()
            row = self._run([lock, (_CLAIM_AND_STORED, claim + stored)]).fetchone()
        return (False, []) if row is None else (True, [tuple(r) for r in row[0] or ()])

    def stored_batch(self, key: BatchKey) -> Row | None:
        with self._errors():
            cur = self.raw.cursor()
            cur.execute(self._sql(_REPLAY), (key.device, key.batch_id))
            return cur.fetchone()

    def write(self, key: BatchKey, inserts: list[Row], updates: list[Row], totals: tuple[Sequence[int], dt.date,
              dt.date] | None, summary_json: str, action: str, audit_json: str, arrival: Arrival | None = None,
              days: DayDeltas | None = None) -> None:
        """New reports, changed reports, running totals (+ new − old per indicator) and freshness (when a
        report changed), the roll-ups of the changed days and the counter (province/intake_rollups.py), the
        batch's stored summary (what a replay answers), the audit line, and the first arrival of each of the
        batch's days by its channel."""
        parts: list[Part] = []
        with self._errors():
            if self.sqlite or not self.combined:
                self.raw.cursor().executemany(self._sql(_VL_INSERT + _VL_ROW), inserts)
                self.raw.cursor().executemany(self._sql(_VL_UPDATE), updates)
            else:
                if len(inserts) >= COPY_FROM_ROWS:
                    self._copy_reports(inserts)
                elif inserts:
                    parts.append((_VL_INSERT + ", ".join(_VL_ROW for _ in inserts), _flat(inserts)))
                if updates:
                    parts.append((_VL_UPDATE_FROM.format(rows=", ".join(_VL_UPDATE_ROW for _ in updates)),
                                  _flat(updates)))
            if totals is not None:
                parts += self._totals_parts(key, *totals)
            parts += self._arrival_parts(key, arrival)
            parts += self._rollup_parts(key, days)
            parts += [(_SUMMARY, (summary_json, key.device, key.batch_id)),
                      (_AUDIT, (key.received, f"device:{key.device}", action, key.commune, audit_json))]
            self._run(parts)

    # -- PostgreSQL, a few reports: one write (after one read when a key is taken) ----------------------

    def load(self, key: BatchKey, first: dt.date, last: dt.date) -> tuple[Row | None, list[Row]]:
        """(the stored batch as (id, body hash, summary json) if this batch id was seen, this device's stored
        reports of the batch's days), in one statement, without locks."""
        with self._errors():
            cur = self.raw.cursor()
            cur.execute(self._sql(_LOAD), (key.device, key.batch_id, key.commune, key.device, self.day(first),
                                           self.day(last)))
            existing, stored = cur.fetchone()
        return (tuple(existing) if existing else None), [tuple(r) for r in stored or ()]

    def write_at_once(self, key: BatchKey, body_hash: str, source: str, inserts: list[Row],
                      updates: list[Row], totals: tuple[Sequence[int], dt.date, dt.date] | None,
                      summary_json: str, action: str, audit_json: str, arrival: Arrival | None = None,
                      days: DayDeltas | None = None) -> None:
        """Everything a delivery writes, as one autocommitted statement — so all of it or nothing: the batch
        row with its summary (a concurrent duplicate fails on its key), the device's last contact, the new
        reports (one inserted meanwhile fails on its key), the changed ones only where the stored revision
        is still the one read (`updates` rows end with that revision; otherwise the statement fails with
        STALE, raised as StaleRead), totals, freshness, audit. intake() runs a failed delivery again."""
        parts: list[Part] = [
            (_CLAIM_DONE, (key.batch_id, key.device, key.commune, body_hash, summary_json, source, key.received)),
            (_LOCK_DEVICE, (key.received, key.device))]
        if inserts:
            parts.append((_VL_INSERT + ", ".join(_VL_ROW for _ in inserts), _flat(inserts)))
        checked = len(parts)
        if updates:
            parts.append((_VL_UPDATE_CHECKED.format(rows=", ".join(_VL_UPDATE_CHECKED_ROW for _ in updates)),
                          _flat(updates)))
        if totals is not None:
            parts += self._totals_parts(key, *totals)
        parts += self._arrival_parts(key, arrival)
        parts += self._rollup_parts(key, days)
        parts.append((_AUDIT, (key.received, f"device:{key.device}", action, key.commune, audit_json)))
        if updates:
            parts.append((_ASSERT_UPDATED.format(cte=f"w{checked}"), (len(updates),)))
        with self._errors():
            self._run(parts)

    # -- mechanics -------------------------------------------------------------------------------------

    def _totals_parts(self, key: BatchKey, delta: Sequence[int], first: dt.date, last: dt.date) -> list[Part]:
        """Running totals (+ new − old per indicator), the commune's and the device's freshness."""
        return [
            (_TOTALS, _flat((key.commune, ind, dv) for ind, dv in zip(INDICATORS, delta, strict=True))),
            (self._commune_fresh, (key.commune, self.day(first), self.day(last), key.received)),
            (self._device_fresh, (key.device, key.commune, self.day(first), self.day(last), key.received))]

    def _rollup_parts(self, key: BatchKey, days: DayDeltas | None) -> list[Part]:
        return intake_rollups.parts(self.sqlite, key.device, key.commune, key.received, days or {}, self.day)

    def _arrival_parts(self, key: BatchKey, arrival: Arrival | None) -> list[Part]:
        """The first arrival of each of the batch's days by its channel; a day already arrived stays."""
        if not arrival or not arrival[1]:
            return []
        channel, days = arrival
        rows = [(key.device, self.day(d), channel, key.commune, key.received) for d in sorted(set(days))]
        return [(_ARRIVALS.format(rows=", ".join("(?, ?, ?, ?, ?)" for _ in rows)), _flat(rows))]

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def _run(self, parts: list[Part]) -> Any:
        """Run the parts in order and return the cursor of the last. PostgreSQL: as one statement, the
        earlier parts as data-modifying WITH queries (each runs exactly once, to completion)."""
        cur = self.raw.cursor()
        if self.sqlite or not self.combined:
            for sql, params in parts:
                cur.execute(self._sql(sql), params)
            return cur
        *before, (last_sql, _) = parts
        prefix = ("WITH " + ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(before)) + " ") if before else ""
        cur.execute(self._sql(prefix + last_sql), tuple(v for _, params in parts for v in params))
        return cur

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """The driver's errors raised as SQLAlchemy's, so intake() can tell a lost race (retry or replay)
        from a bug."""
        try:
            yield
        except self.dbapi.IntegrityError as exc:
            raise IntegrityError("intake", None, exc) from exc
        except self.dbapi.OperationalError as exc:
            raise OperationalError("intake", None, exc) from exc
        except self.dbapi.DataError as exc:
            if STALE in str(exc):
                raise StaleRead(STALE) from exc
            raise

    def _copy_reports(self, rows: list[Row]) -> None:
        """COPY FROM STDIN in binary: the fastest way in for a laptop's backlog after weeks offline, of the
        ways measured by bench/bench_intake.py (RESULTS-intake.md)."""
        with contextlib.ExitStack() as stack:
            cur = stack.enter_context(self.raw.cursor())
            copy = stack.enter_context(cur.copy(f"COPY report_villages ({', '.join(_VL_COLS)}) FROM STDIN "
                                                "(FORMAT BINARY)"))
            copy.set_types(_VL_PG_TYPES)
            for row in rows:
                copy.write_row(row)


def _flat(rows: Any) -> Row:
    return tuple(v for row in rows for v in row)
