"""Report intake: the one function both the HTTP endpoint and the bundle import feed verified batches to.

Exactly-once by (device, batch id): the batch row (primary key (device_id, batch_id), so one device can
never claim or block another device's batch id) is written all-or-nothing with the reports, so a concurrent
second delivery of the same batch blocks on the key and then replays the stored summary.
A report is the work of one device: per (commune, point, day, device) the highest revision wins (revisions
are per device, so two laptops' revision 1 for one point and day are two reports, and the hub adds them up):
  new key → imported; higher revision → updated; same revision and same content → ignored;
  same revision with other figures, or a lower revision → conflict (nothing changed for that report).
Late data is never refused for being late.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from province.db import HubDB
from province.errors import HubRefusal
from province.intake_writer import COPY_FROM_ROWS, BatchKey, IntakeWriter, StaleRead
from province.models import Batch as BatchRow
from province.revisions_lowered import detail_part
from province.revisions_lowered import entry as lowered_entry
from sync import limits, protocol
from sync.protocol import CONFLICT, IGNORED, IMPORTED, INDICATORS, UPDATED, ImportSummary, ReportOutcome

log = logging.getLogger(__name__)


class IntakeRefused(HubRefusal):
    """A batch the hub will not take; `status` is the HTTP status of the contract."""

    title = "Không nhận báo cáo"

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail, status=status, field=field)
        self.detail = detail


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


def _replay(row: tuple[str, str, str], body_hash: str) -> dict[str, Any]:
    """The stored answer to a batch seen before: (batch id, body hash, summary json)."""
    batch_id, stored_hash, summary_json = row
    if stored_hash != body_hash:
        raise IntakeRefused(409, f"batch {batch_id} was already received with different content", "batch_id")
    summary = json.loads(summary_json)
    summary["replayed"] = True
    return summary


def stored_batch(db: HubDB, device_id: str, batch_id: str) -> BatchRow | None:
    with db.session() as s:
        return s.get(BatchRow, (device_id, batch_id))


def intake(db: HubDB, batch: protocol.Batch, body_hash: str, sender: Sender, source: str = "http") -> dict[str, Any]:
    """Store a verified batch once; return ImportSummary.to_dict() (the stored one on a replay).

    Raises IntakeRefused(409) for a batch id this device already used with another body, (403) for another
    commune/device, (422) for personal data in a village name.
    All or nothing: batch row, reports, running totals, freshness, device, audit (one transaction, or on
    PostgreSQL for a day's few reports one autocommitted statement: province/intake_writer.py).
    """
    check_sender(batch, sender)
    check_villages(batch)
    last_exc: Exception | None = None
    for _attempt in range(5):
        try:
            if not db.is_sqlite and IntakeWriter.combined and len(batch.reports) < COPY_FROM_ROWS:
                # A day's delivery on PostgreSQL: statements in autocommit, each one all or nothing.
                with db.engine.connect() as conn:
                    return _store_at_once(IntakeWriter(conn.execution_options(isolation_level="AUTOCOMMIT")),
                                          batch, body_hash, sender, source)
            with db.session(write=True) as s:
                return _store(IntakeWriter(s.connection()), batch, body_hash, sender, source)
        except (IntegrityError, OperationalError, StaleRead) as exc:
            # Another delivery of the same batch won the race, two batches of one device wrote the same
            # report at once (PostgreSQL), or the connection was lost (a server restart): replay if the batch
            # is now stored, otherwise run again (on another connection: the pool drops a broken one).
            last_exc = exc
            try:
                row2 = stored_batch(db, sender.device_id, batch.batch_id)
            except OperationalError:
                row2 = None
            if row2 is not None:
                return _replay((row2.batch_id, row2.body_hash, row2.summary_json), body_hash)
            log.warning("intake of %s retried after %s", batch.batch_id, type(exc).__name__)
    assert last_exc is not None
    raise last_exc


def _store(w: IntakeWriter, batch: protocol.Batch, body_hash: str, sender: Sender, source: str) -> dict[str, Any]:
    """In one transaction: claim the batch id, decide every report against this device's stored ones (read
    under lock), write it all."""
    received = protocol.utc_now()
    key = BatchKey(sender.device_id, sender.commune_code, batch.batch_id, w.ts(received))
    days = [r.day for r in batch.reports]
    claimed, rows = w.claim_and_load(key, body_hash, source, min(days), max(days))
    if not claimed:
        existing = w.stored_batch(key)
        assert existing is not None  # the claim found the key taken, in this same transaction
        return _replay(existing, body_hash)
    plan = decide(batch, _stored_reports(w, rows))
    summary, detail = _summary(batch, plan, received)
    changed = plan.changed_days
    w.write(key, _insert_rows(w, key, plan), _update_rows(w, key, plan),
            (plan.delta, min(changed), max(changed)) if changed else None,
            summary, f"batch.{source}", detail, arrival=_arrival(batch, source), days=plan.day_delta)
    return json.loads(summary)


def _arrival(batch: protocol.Batch, source: str) -> tuple[str, list[dt.date]]:
    """The channel a batch came by (a bundle's USB file, else the network) and the days it brings."""
    return ("usb" if source == "bundle" else "network"), [r.day for r in batch.reports]


def _store_at_once(w: IntakeWriter, batch: protocol.Batch, body_hash: str, sender: Sender, source: str
                   ) -> dict[str, Any]:
    """PostgreSQL, a day's few reports: one statement that writes everything or nothing
    (IntakeWriter.write_at_once) — first as if every report were new (a day's first delivery: one round
    trip), and when a key says otherwise (a resend, a correction: nothing was written), read, decide and
    write again (two more)."""
    received = protocol.utc_now()
    key = BatchKey(sender.device_id, sender.commune_code, batch.batch_id, w.ts(received))
    try:
        return _write_decided(w, key, batch, body_hash, source, received, {})
    except IntegrityError:
        pass  # this batch id, or one of its reports, is already stored
    days = [r.day for r in batch.reports]
    existing, rows = w.load(key, min(days), max(days))
    if existing is not None:
        return _replay(existing, body_hash)
    return _write_decided(w, key, batch, body_hash, source, received, _stored_reports(w, rows))


def _write_decided(w: IntakeWriter, key: BatchKey, batch: protocol.Batch, body_hash: str, source: str,
                   received: dt.datetime, stored: dict[tuple[str, dt.date], StoredReport]) -> dict[str, Any]:
    """Decide against `stored` (as read) and write in one statement; each update carries the revision read."""
    read_revision = {v.row_id: v.revision for v in stored.values()}
    plan = decide(batch, stored)
    summary, detail = _summary(batch, plan, received)
    changed = plan.changed_days
    updates = [(*row, read_revision[row[-1]]) for row in _update_rows(w, key, plan)]
    w.write_at_once(key, body_hash, source, _insert_rows(w, key, plan), updates,
                    (plan.delta, min(changed), max(changed)) if changed else None,
                    summary, f"batch.{source}", detail, arrival=_arrival(batch, source), days=plan.day_delta)
    return json.loads(summary)


def _stored_reports(w: IntakeWriter, rows: list[tuple[Any, ...]]) -> dict[tuple[str, dt.date], StoredReport]:
    return {(point, w.read_day(day)): StoredReport(vid, rev, chash, tuple(tot))
            for vid, point, day, rev, chash, *tot in rows}


def _summary(batch: protocol.Batch, plan: Plan, received: dt.datetime) -> tuple[str, str]:
    """(the ImportSummary a replay answers, the audit line's detail), as stored JSON."""
    summary = ImportSummary(batch.batch_id, plan.results, protocol.iso(received)).to_dict()
    detail = {"batch_id": batch.batch_id, "imported": summary["imported"], "updated": summary["updated"],
              "ignored": summary["ignored"], "conflicts": len(summary["conflicts"]), **detail_part(plan.lowered)}
    return json.dumps(summary, ensure_ascii=False, sort_keys=True), json.dumps(detail, ensure_ascii=False)


@dataclass(frozen=True)
class StoredReport:
    """This device's stored report of one (point, day): row id, revision, content hash, the five totals."""

    row_id: int | None  # None: inserted by the batch being decided
    revision: int
    content_hash: str
    totals: tuple[int, ...]


@dataclass
class Plan:
    """What a batch changes: an outcome per report, the rows to insert and update, the totals' deltas."""

    results: list[ReportOutcome] = dataclasses.field(default_factory=list)
    inserts: dict[tuple[str, dt.date], tuple[protocol.Report, str, str]] = dataclasses.field(default_factory=dict)
    updates: dict[tuple[str, dt.date], tuple[protocol.Report, str, str, int]] = dataclasses.field(default_factory=dict)
    delta: list[int] = dataclasses.field(default_factory=lambda: [0] * len(INDICATORS))
    lowered: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # province/revisions_lowered.py
    day_delta: dict[dt.date, list[int]] = dataclasses.field(default_factory=dict)  # the same per changed day

    @property
    def changed_days(self) -> list[dt.date]:
        return [k[1] for k in (*self.inserts, *self.updates)]


def decide(batch: protocol.Batch, stored: dict[tuple[str, dt.date], StoredReport]) -> Plan:
    """Each report against this device's stored report of its (point, day) — other devices' reports of the
    same point and day are separate reports, never compared. `stored` is updated as the batch goes, so a
    batch holding two revisions of one report keeps the higher."""
    plan = Plan()
    for r in batch.reports:
        k = (r.point_code, r.day)
        d = r.to_dict()  # once: both the content hash and the stored breakdown come from it
        breakdown = protocol.canonical_json(d["by_village"]).decode("utf-8")
        del d["closed_at"]
        h = hashlib.sha256(protocol.canonical_json(d)).hexdigest()  # == Report.content_hash()
        cur = stored.get(k)
        if cur is not None and r.revision == cur.revision:
            if h == cur.content_hash:
                plan.results.append(ReportOutcome(r.point_code, r.day, r.revision, IGNORED))
            else:
                plan.results.append(ReportOutcome(
                    r.point_code, r.day, r.revision, CONFLICT,
                    f"revision {r.revision} already stored from this device with different figures"))
            continue
        if cur is not None and r.revision < cur.revision:
            plan.results.append(ReportOutcome(
                r.point_code, r.day, r.revision, CONFLICT,
                f"revision {r.revision} is older than this device's stored revision {cur.revision}"))
            continue
        new = tuple(r.totals.get(ind, 0) for ind in INDICATORS)
        old = cur.totals if cur is not None else (0,) * len(INDICATORS)
        per_day = plan.day_delta.setdefault(r.day, [0] * len(INDICATORS))
        for i, (n, o) in enumerate(zip(new, old, strict=True)):
            plan.delta[i] += n - o
            per_day[i] += n - o
        if cur is None or cur.row_id is None:  # a new key, or a higher revision of one this batch inserts
            plan.results.append(ReportOutcome(r.point_code, r.day, r.revision, IMPORTED if cur is None else UPDATED))
            plan.inserts[k] = (r, h, breakdown)
        else:
            plan.results.append(ReportOutcome(r.point_code, r.day, r.revision, UPDATED))
            plan.updates[k] = (r, h, breakdown, cur.row_id)
            note = lowered_entry(r.point_code, r.day, cur.revision, r.revision, old, new)
            if note is not None:
                plan.lowered.append(note)
        stored[k] = StoredReport(cur.row_id if cur else None, r.revision, h, new)
    return plan


def _insert_rows(w: IntakeWriter, key: BatchKey, plan: Plan) -> list[tuple[Any, ...]]:
    return [(key.commune, r.point_code, w.day(r.day), key.device, r.revision, h, w.ts(r.closed_at), key.received,
             key.batch_id, breakdown, *(r.totals.get(ind, 0) for ind in INDICATORS))
            for r, h, breakdown in plan.inserts.values()]


def _update_rows(w: IntakeWriter, key: BatchKey, plan: Plan) -> list[tuple[Any, ...]]:
    return [(r.revision, h, w.ts(r.closed_at), key.received, key.batch_id, breakdown,
             *(r.totals.get(ind, 0) for ind in INDICATORS), vid)
            for r, h, breakdown, vid in plan.updates.values()]
