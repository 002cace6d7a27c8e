"""Report intake: the one function both the HTTP endpoint and the bundle import feed verified batches to.

Exactly-once by (device, batch id): the batch row (primary key (device_id, batch_id), so one device can
never claim or block another device's batch id) is inserted first in the same transaction as the values,
so a concurrent second delivery of the same batch blocks on the key and then replays the stored summary.
A report is the work of one device: per (commune, point, day, device) the highest revision wins (revisions
are per device, so two laptops' revision 1 for one point and day are two reports, and the hub adds them up):
  new key → imported; higher revision → updated; same revision and same content → ignored;
  same revision with other figures, or a lower revision → conflict (nothing changed for that report).
Late data is never refused for being late.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from province.db import HubDB
from province.models import Batch as BatchRow
from province.models import ReportVillage
from sync import limits, protocol
from sync.protocol import CONFLICT, IGNORED, IMPORTED, INDICATORS, UPDATED, ImportSummary, ReportOutcome

log = logging.getLogger(__name__)
_BT_SELECT = select(BatchRow.batch_id, BatchRow.body_hash, BatchRow.summary_json).where(
    BatchRow.device_id == bindparam("d"), BatchRow.batch_id == bindparam("b"))


class IntakeRefused(Exception):
    """A batch the hub will not take; `status` is the HTTP status of the contract."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


@dataclass(frozen=True)
class Sender:
    """The authenticated device a batch comes from."""

    device_id: str
    commune_code: str


def check_sender(batch: protocol.Batch, sender: Sender) -> None:
    """A device writes only as itself and only for its own commune (403 otherwise)."""
    if batch.device_id != sender.device_id:
        raise IntakeRefused(403, "batch device_id is not the authenticated device", "device_id")
    for i, r in enumerate(batch.reports):
        if r.commune_code != sender.commune_code or batch.commune_code != sender.commune_code:
            raise IntakeRefused(403, "report for another commune than the device's", f"reports[{i}].commune_code")


def check_villages(batch: protocol.Batch) -> None:
    """Village names holding personal data (a phone/ID-shaped number, a citizen's name) are refused with
    422 naming the report's `by_village`; the name itself is never echoed, logged or stored."""
    for i, r in enumerate(batch.reports):
        for name in r.by_village:
            problem = limits.village_name_problem(name)
            if problem:
                raise IntakeRefused(422, f"a village name {problem} (personal data is not accepted)",
                                    f"reports[{i}].by_village")


def _replay(row: Any, body_hash: str) -> dict[str, Any]:
    if row.body_hash != body_hash:
        raise IntakeRefused(409, f"batch {row.batch_id} was already received with different content", "batch_id")
    summary = json.loads(row.summary_json)
    summary["replayed"] = True
    return summary


def stored_batch(db: HubDB, device_id: str, batch_id: str) -> BatchRow | None:
    with db.session() as s:
        return s.get(BatchRow, (device_id, batch_id))


def intake(db: HubDB, batch: protocol.Batch, body_hash: str, sender: Sender, source: str = "http") -> dict[str, Any]:
    """Store a verified batch once; return ImportSummary.to_dict() (the stored one on a replay).

    Raises IntakeRefused(409) for a batch id this device already used with another body, (403) for another
    commune/device, (422) for personal data in a village name.
    One transaction: batch row, values, per-report rows, running totals, freshness, device, audit.
    """
    check_sender(batch, sender)
    check_villages(batch)
    last_exc: Exception | None = None
    for _attempt in range(5):
        try:
            with db.session(write=True) as s:
                existing = s.execute(_BT_SELECT, {"d": sender.device_id, "b": batch.batch_id}).first()
                if existing is not None:
                    return _replay(existing, body_hash)
                received = protocol.utc_now()
                w = _Writer(s.connection())
                recv = w.ts(received)
                # Claim the batch id first: a concurrent duplicate waits here (then replays).
                w.insert("batches", ("batch_id", "device_id", "commune_code", "body_hash", "summary_json", "source",
                                     "received_at"),
                         [(batch.batch_id, sender.device_id, sender.commune_code, body_hash, "{}", source, recv)])
                results = apply_reports(s, batch, received)
                summary = ImportSummary(batch.batch_id, results, protocol.iso(received)).to_dict()
                w.many("UPDATE batches SET summary_json=? WHERE device_id=? AND batch_id=?",
                       [(json.dumps(summary, ensure_ascii=False, sort_keys=True), sender.device_id, batch.batch_id)])
                w.many("UPDATE devices SET last_seen_at=? WHERE id=?", [(recv, sender.device_id)])
                detail = {"batch_id": batch.batch_id, "imported": summary["imported"], "updated": summary["updated"],
                          "ignored": summary["ignored"], "conflicts": len(summary["conflicts"])}
                w.insert("audit_log", ("at", "actor", "action", "commune_code", "detail"),
                         [(recv, f"device:{sender.device_id}", f"batch.{source}", sender.commune_code,
                           json.dumps(detail, ensure_ascii=False))])
                return summary
        except (IntegrityError, OperationalError) as exc:
            # Another delivery of the same batch won the race, or two batches inserted the same new key
            # at once (PostgreSQL): replay if the batch is now stored, otherwise run again.
            last_exc = exc
            row2 = stored_batch(db, sender.device_id, batch.batch_id)
            if row2 is not None:
                return _replay(row2, body_hash)
            log.warning("intake of %s retried after %s", batch.batch_id, type(exc).__name__)
    assert last_exc is not None
    raise last_exc


_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # the exact text SQLAlchemy's SQLite DateTime stores


class _Writer:
    """Raw DB-API executemany on the session's connection, with the parameter forms each backend's
    SQLAlchemy types would have produced (SQLite: ISO text; PostgreSQL: date/datetime objects). Skipping
    SQLAlchemy's per-row bind processing was the largest part of the intake time (cProfile)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"

    def day(self, d: dt.date) -> Any:
        return d.isoformat() if self.sqlite else d

    def ts(self, when: dt.datetime) -> Any:
        naive = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
        return naive.strftime(_SQLITE_TS) if self.sqlite else naive

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.exec_driver_sql(sql.replace("?", self.mark), rows)

    def insert(self, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """SQLite: executemany. PostgreSQL: COPY FROM STDIN on the same connection and transaction (one round
        trip per table instead of one statement per row: executemany made PostgreSQL 2× slower than SQLite)."""
        if not rows:
            return
        if self.sqlite or len(rows) == 1:
            self.many(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
            return
        sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN"
        dbapi = self.conn.dialect.loaded_dbapi
        try:
            with self.conn.connection.dbapi_connection.cursor() as cur, cur.copy(sql) as copy:  # psycopg 3
                for row in rows:
                    copy.write_row(row)
        except dbapi.IntegrityError as exc:  # as SQLAlchemy would raise it: intake() retries or replays
            raise IntegrityError(sql, None, exc) from exc
        except dbapi.OperationalError as exc:
            raise OperationalError(sql, None, exc) from exc

    @property
    def least(self) -> str:
        return "MIN" if self.sqlite else "LEAST"

    @property
    def greatest(self) -> str:
        return "MAX" if self.sqlite else "GREATEST"


_VL_COLS = ("commune_code", "point_code", "day", "device_id", "revision", "content_hash", "closed_at",
            "received_at", "batch_id", "breakdown_json", *INDICATORS)
_RV_COLS = ("commune_code", "point_code", "day", "device_id", "indicator", "value", "revision", "closed_at",
            "received_at", "batch_id")


def apply_reports(s: Session, batch: protocol.Batch, received: Any) -> list[ReportOutcome]:
    """Decide every report of one commune's batch against the stored state, then write in bulk.

    One SELECT loads this device's stored (point, day) revisions, content hashes and totals for the batch's
    days (other devices' reports of the same point and day are separate reports, never compared);
    outcomes are decided in Python; inserts and updates go out as executemany; the running totals get
    (new − old) per indicator and the commune's and device's freshness rows are moved forward — all inside
    the caller's transaction.
    """
    commune, device = batch.commune_code, batch.device_id  # check_sender: the authenticated device
    days = [r.day for r in batch.reports]
    keys = {(r.point_code, r.day) for r in batch.reports}
    q = (
        select(ReportVillage.id, ReportVillage.point_code, ReportVillage.day, ReportVillage.revision,
               ReportVillage.content_hash, *(getattr(ReportVillage, ind) for ind in INDICATORS))
        .where(ReportVillage.commune_code == commune, ReportVillage.device_id == device,
               ReportVillage.day.between(min(days), max(days)))
        .with_for_update()
    )
    # (point, day) → (revision, content hash, row id or None if inserted by this batch, totals tuple)
    state: dict[tuple[str, Any], tuple[int, str, int | None, tuple[int, ...]]] = {}
    for vid, point, day, rev, chash, *tot in s.execute(q):
        if (point, day) in keys:
            state[(point, day)] = (rev, chash, vid, tuple(tot))

    inserts: dict[tuple[str, Any], protocol.Report] = {}
    updates: dict[tuple[str, Any], tuple[protocol.Report, int]] = {}
    extra: dict[tuple[str, Any], tuple[str, str]] = {}  # key → (content hash, breakdown json)
    delta = [0] * len(INDICATORS)
    results: list[ReportOutcome] = []
    for r in batch.reports:
        k = (r.point_code, r.day)
        d = r.to_dict()  # once: both the content hash and the stored breakdown come from it
        breakdown = protocol.canonical_json(d["by_village"]).decode("utf-8")
        del d["closed_at"]
        h = hashlib.sha256(protocol.canonical_json(d)).hexdigest()  # == Report.content_hash()
        cur = state.get(k)
        if cur is not None and r.revision == cur[0]:
            if h == cur[1]:
                results.append(ReportOutcome(r.point_code, r.day, r.revision, IGNORED))
            else:
                results.append(ReportOutcome(
                    r.point_code, r.day, r.revision, CONFLICT,
                    f"revision {r.revision} already stored from this device with different figures"))
            continue
        if cur is not None and r.revision < cur[0]:
            results.append(ReportOutcome(
                r.point_code, r.day, r.revision, CONFLICT,
                f"revision {r.revision} is older than this device's stored revision {cur[0]}"))
            continue
        new = tuple(r.totals.get(ind, 0) for ind in INDICATORS)
        old = cur[3] if cur is not None else (0,) * len(INDICATORS)
        for i, (n, o) in enumerate(zip(new, old, strict=True)):
            delta[i] += n - o
        if cur is None or k in inserts:  # new key (or a higher revision of one this batch inserted)
            results.append(ReportOutcome(r.point_code, r.day, r.revision, IMPORTED if cur is None else UPDATED))
            inserts[k] = r
        else:
            results.append(ReportOutcome(r.point_code, r.day, r.revision, UPDATED))
            updates[k] = (r, cur[2])  # type: ignore[assignment]
        extra[k] = (h, breakdown)
        state[k] = (r.revision, h, cur[2] if cur else None, new)

    if not inserts and not updates:
        return results
    w = _Writer(s.connection())
    recv = w.ts(received)
    bid = batch.batch_id
    vl_rows: list[tuple[Any, ...]] = []
    rv_rows: list[tuple[Any, ...]] = []
    for k, r in inserts.items():
        day, closed = w.day(r.day), w.ts(r.closed_at)
        h, breakdown = extra[k]
        vals = [r.totals.get(ind, 0) for ind in INDICATORS]
        vl_rows.append((commune, r.point_code, day, device, r.revision, h, closed, recv, bid, breakdown, *vals))
        rv_rows.extend((commune, r.point_code, day, device, ind, v, r.revision, closed, recv, bid)
                       for ind, v in zip(INDICATORS, vals, strict=True))
    w.insert("report_villages", _VL_COLS, vl_rows)
    w.insert("report_values", _RV_COLS, rv_rows)
    if updates:
        vl_up: list[tuple[Any, ...]] = []
        rv_up: list[tuple[Any, ...]] = []
        for k, (r, vid) in updates.items():
            day, closed = w.day(r.day), w.ts(r.closed_at)
            h, breakdown = extra[k]
            vals = [r.totals.get(ind, 0) for ind in INDICATORS]
            vl_up.append((r.revision, h, closed, recv, bid, breakdown, *vals, vid))
            rv_up.extend((v, r.revision, closed, recv, bid, commune, r.point_code, day, device, ind)
                         for ind, v in zip(INDICATORS, vals, strict=True))
        w.many("UPDATE report_villages SET revision=?, content_hash=?, closed_at=?, received_at=?, batch_id=?, "
               f"breakdown_json=?, {', '.join(f'{i}=?' for i in INDICATORS)} WHERE id=?", vl_up)
        w.many("UPDATE report_values SET value=?, revision=?, closed_at=?, received_at=?, batch_id=? "
               "WHERE commune_code=? AND point_code=? AND day=? AND device_id=? AND indicator=?", rv_up)

    # Running totals (+ new − old) and freshness, in the same transaction as the values they summarise.
    w.many("INSERT INTO commune_totals (commune_code, indicator, value) VALUES (?, ?, ?) "
           "ON CONFLICT (commune_code, indicator) DO UPDATE SET value = commune_totals.value + excluded.value",
           [(commune, ind, dv) for ind, dv in zip(INDICATORS, delta, strict=True)])
    changed = [k[1] for k in (*inserts, *updates)]
    w.many("INSERT INTO commune_freshness (commune_code, first_day, last_day, last_received_at) "
           "VALUES (?, ?, ?, ?) ON CONFLICT (commune_code) DO UPDATE SET "
           f"first_day = {w.least}(commune_freshness.first_day, excluded.first_day), "
           f"last_day = {w.greatest}(commune_freshness.last_day, excluded.last_day), "
           f"last_received_at = {w.greatest}(commune_freshness.last_received_at, excluded.last_received_at)",
           [(commune, w.day(min(changed)), w.day(max(changed)), recv)])
    w.many("INSERT INTO device_freshness (device_id, commune_code, first_day, last_day, last_received_at) "
           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, commune_code) DO UPDATE SET "
           f"first_day = {w.least}(device_freshness.first_day, excluded.first_day), "
           f"last_day = {w.greatest}(device_freshness.last_day, excluded.last_day), "
           f"last_received_at = {w.greatest}(device_freshness.last_received_at, excluded.last_received_at)",
           [(device, commune, w.day(min(changed)), w.day(max(changed)), recv)])
    return results
