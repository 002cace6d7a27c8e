"""Report intake: the one function both the HTTP endpoint and the bundle import feed verified batches to.

Exactly-once by batch id: the batch row (UUID primary key) is inserted first in the same transaction as
the values, so a concurrent second delivery of the same batch blocks on the key and then replays the
stored summary. Per (commune, point, day) the highest revision wins:
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

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from province.admin import audit
from province.db import HubDB
from province.models import Batch as BatchRow
from province.models import Device, ReportValue, ReportVillage
from sync import protocol
from sync.protocol import CONFLICT, IGNORED, IMPORTED, INDICATORS, UPDATED, ImportSummary, ReportOutcome

log = logging.getLogger(__name__)
_RV = ReportValue.__table__
_VL = ReportVillage.__table__


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


def _replay(row: BatchRow, body_hash: str) -> dict[str, Any]:
    if row.body_hash != body_hash:
        raise IntakeRefused(409, f"batch {row.batch_id} was already received with different content", "batch_id")
    summary = json.loads(row.summary_json)
    summary["replayed"] = True
    return summary


def stored_batch(db: HubDB, batch_id: str) -> BatchRow | None:
    with db.session() as s:
        return s.get(BatchRow, batch_id)


def intake(db: HubDB, batch: protocol.Batch, body_hash: str, sender: Sender, source: str = "http") -> dict[str, Any]:
    """Store a verified batch once; return ImportSummary.to_dict() (the stored one on a replay).

    Raises IntakeRefused(409) for a known batch id with another body, (403) for another commune/device.
    """
    check_sender(batch, sender)
    last_exc: Exception | None = None
    for _attempt in range(5):
        try:
            with db.session(write=True) as s:
                existing = s.get(BatchRow, batch.batch_id)
                if existing is not None:
                    return _replay(existing, body_hash)
                received = protocol.utc_now()
                row = BatchRow(batch_id=batch.batch_id, device_id=sender.device_id,
                               commune_code=sender.commune_code, body_hash=body_hash, summary_json="{}",
                               source=source, received_at=received)
                s.add(row)
                s.flush()  # claim the batch id first: a concurrent duplicate waits here
                results = apply_reports(s, batch, received)
                s.execute(update(Device).where(Device.id == sender.device_id).values(last_seen_at=received))
                summary = ImportSummary(batch.batch_id, results, protocol.iso(received)).to_dict()
                row.summary_json = json.dumps(summary, ensure_ascii=False, sort_keys=True)
                audit(s, f"device:{sender.device_id}", f"batch.{source}", sender.commune_code,
                      batch_id=batch.batch_id, imported=summary["imported"], updated=summary["updated"],
                      ignored=summary["ignored"], conflicts=len(summary["conflicts"]))
                return summary
        except (IntegrityError, OperationalError) as exc:
            # Another delivery of the same batch won the race, or two batches inserted the same new key
            # at once (PostgreSQL): replay if the batch is now stored, otherwise run again.
            last_exc = exc
            row2 = stored_batch(db, batch.batch_id)
            if row2 is not None:
                return _replay(row2, body_hash)
            log.warning("intake of %s retried after %s", batch.batch_id, type(exc).__name__)
    assert last_exc is not None
    raise last_exc


def _sqlite_param(v: Any) -> Any:
    """The exact text SQLAlchemy's SQLite Date/DateTime types store (so comparisons keep working)."""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def insert_many(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert. On SQLite, a plain executemany of tuples (SQLAlchemy's per-row bind processing was a
    quarter of the intake time); elsewhere Core's executemany (psycopg batches it)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    cols = [c for c in rows[0] if c in table.c]
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(sql, [tuple(_sqlite_param(r[c]) for c in cols) for r in rows])


def apply_reports(s: Session, batch: protocol.Batch, received: Any) -> list[ReportOutcome]:
    """Upsert every report of one commune's batch inside the caller's transaction."""
    commune = batch.commune_code
    days = [r.day for r in batch.reports]
    keys = {(r.point_code, r.day) for r in batch.reports}
    q = (
        select(ReportVillage.id, ReportVillage.point_code, ReportVillage.day, ReportVillage.revision,
               ReportVillage.content_hash)
        .where(ReportVillage.commune_code == commune, ReportVillage.day.between(min(days), max(days)))
        .with_for_update()
    )
    state: dict[tuple[str, Any], tuple[int, str, int | None]] = {}
    for vid, point, day, rev, chash in s.execute(q):
        if (point, day) in keys:
            state[(point, day)] = (rev, chash, vid)

    inserts: dict[tuple[str, Any], dict[str, Any]] = {}
    updates: dict[tuple[str, Any], dict[str, Any]] = {}
    results: list[ReportOutcome] = []
    received_naive = received.astimezone(dt.UTC).replace(tzinfo=None)
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
                results.append(ReportOutcome(r.point_code, r.day, r.revision, CONFLICT,
                                             f"revision {r.revision} already stored with different figures"))
            continue
        if cur is not None and r.revision < cur[0]:
            results.append(ReportOutcome(r.point_code, r.day, r.revision, CONFLICT,
                                         f"revision {r.revision} is older than stored revision {cur[0]}"))
            continue
        row = {
            "commune_code": commune, "point_code": r.point_code, "day": r.day, "revision": r.revision,
            "content_hash": h, "closed_at": r.closed_at.astimezone(dt.UTC).replace(tzinfo=None),
            "received_at": received_naive, "batch_id": batch.batch_id, "breakdown_json": breakdown,
            **{ind: r.totals.get(ind, 0) for ind in INDICATORS},
        }
        if cur is None or k in inserts:
            results.append(ReportOutcome(r.point_code, r.day, r.revision, IMPORTED if cur is None else UPDATED))
            inserts[k] = row
        else:
            results.append(ReportOutcome(r.point_code, r.day, r.revision, UPDATED))
            row["vid"] = cur[2]  # → b_vid
            updates[k] = row
        state[k] = (r.revision, h, cur[2] if cur else None)

    conn = s.connection()
    if inserts:
        insert_many(conn, _VL, list(inserts.values()))
        insert_many(conn, _RV, [
            {"commune_code": commune, "point_code": v["point_code"], "day": v["day"], "indicator": ind,
             "value": v[ind], "revision": v["revision"], "closed_at": v["closed_at"],
             "received_at": received_naive, "batch_id": batch.batch_id}
            for v in inserts.values() for ind in INDICATORS
        ])
    if updates:
        cols = ["revision", "content_hash", "closed_at", "received_at", "batch_id", "breakdown_json", *INDICATORS]
        conn.execute(
            update(_VL).where(_VL.c.id == bindparam("b_vid")).values(**{c: bindparam("b_" + c) for c in cols}),
            [{"b_" + k: v for k, v in row.items()} for row in updates.values()],
        )
        conn.execute(
            update(_RV).where(and_(
                _RV.c.commune_code == bindparam("c"), _RV.c.point_code == bindparam("p"),
                _RV.c.day == bindparam("d"), _RV.c.indicator == bindparam("i"),
            )).values(value=bindparam("v"), revision=bindparam("rev"), closed_at=bindparam("closed"),
                      received_at=bindparam("recv"), batch_id=bindparam("bid")),
            [
                {"c": commune, "p": v["point_code"], "d": v["day"], "i": ind, "v": v[ind], "rev": v["revision"],
                 "closed": v["closed_at"], "recv": received_naive, "bid": batch.batch_id}
                for v in updates.values() for ind in INDICATORS
            ],
        )
    return results
