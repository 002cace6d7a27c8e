"""The outbox: closed-day reports waiting for the hub, confirmed only by the hub's import summary.

One OutboxItem per DayReport revision. Pending = not sent, not in conflict, and the latest revision of
its (point, day): a newer revision supersedes an unsent older one, so only the latest travels. An item is
marked sent only from the hub's ImportSummary (outcome imported/updated/ignored for exactly that report)
and only if its content hash is the one that was sent. The batch id given to items before a send is kept
while delivery is uncertain, so a resend of the same content is deduplicated by the hub.

`DesktopOutbox` is the desktop side of `sync.client.OutboxPort`: short transactions of its own, usable
from a worker thread.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Subquery, func, select, update
from sqlalchemy.orm import Session

from desktop import config
from desktop.models import DayReport, OutboxItem
from desktop.services.province_link.day_reports import report_of
from desktop.settings_keys import KEY_LAST_ERROR, KEY_LAST_ERROR_AT, KEY_LAST_RUN, KEY_LAST_SUCCESS
from desktop.storage.db import Database
from sync.outbox_port import ConfirmResult, OutgoingBatch, SyncResult
from sync.protocol import CONFLICT, IGNORED, IMPORTED, UPDATED, ImportSummary, ReportOutcome

CONFLICT_PREFIX = "conflict: "
_ACCEPTED = {IMPORTED, UPDATED, IGNORED}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def enqueue(session: Session, report: DayReport, content_hash: str, *, now: dt.datetime | None = None) -> OutboxItem:
    """Queue a new revision (called by the day close inside its transaction)."""
    item = OutboxItem(report_id=report.id, content_hash=content_hash, enqueued_at=now or _now(), attempts=0,
                      last_error="")
    session.add(item)
    session.flush()
    return item


def _latest_revisions() -> Subquery:
    return (
        select(DayReport.point_code, DayReport.day, func.max(DayReport.revision).label("rev"))
        .group_by(DayReport.point_code, DayReport.day)
        .subquery()
    )


def pending(session: Session) -> list[tuple[OutboxItem, DayReport]]:
    """Items to send: unsent, not in conflict, latest revision of their (point, day); oldest day first."""
    latest = _latest_revisions()
    rows = session.execute(
        select(OutboxItem, DayReport)
        .join(DayReport, DayReport.id == OutboxItem.report_id)
        .join(latest, (latest.c.point_code == DayReport.point_code) & (latest.c.day == DayReport.day)
              & (latest.c.rev == DayReport.revision))
        .where(OutboxItem.sent_at.is_(None), ~OutboxItem.last_error.startswith(CONFLICT_PREFIX))
        .order_by(DayReport.day, DayReport.point_code, DayReport.revision)
    ).all()
    return [(i, r) for i, r in rows]


def waiting_count(session: Session) -> int:
    return len(pending(session))


def conflicts(session: Session) -> list[dict[str, object]]:
    """Reports the hub refused as conflicting (they stay visible until a new revision supersedes them)."""
    latest = _latest_revisions()
    rows = session.execute(
        select(OutboxItem, DayReport)
        .join(DayReport, DayReport.id == OutboxItem.report_id)
        .join(latest, (latest.c.point_code == DayReport.point_code) & (latest.c.day == DayReport.day)
              & (latest.c.rev == DayReport.revision))
        .where(OutboxItem.sent_at.is_(None), OutboxItem.last_error.startswith(CONFLICT_PREFIX))
        .order_by(DayReport.day, DayReport.point_code)
    ).all()
    return [
        {"item_id": i.id, "point_code": r.point_code, "day": r.day.isoformat(), "revision": r.revision,
         "reason": i.last_error[len(CONFLICT_PREFIX):]}
        for i, r in rows
    ]


def is_conflicted(session: Session, report: DayReport) -> bool:
    item = session.scalar(select(OutboxItem).where(OutboxItem.report_id == report.id))
    return item is not None and item.sent_at is None and item.last_error.startswith(CONFLICT_PREFIX)


@dataclass(slots=True)
class MarkResult:
    sent: list[int] = field(default_factory=list)
    conflicts: list[ReportOutcome] = field(default_factory=list)
    unconfirmed: list[int] = field(default_factory=list)  # still pending (not in summary, or changed in flight)


def mark_sent(
    session: Session,
    item_ids: list[int],
    batch_id: str,
    summary: ImportSummary,
    hashes_at_send: dict[int, str],
    *,
    now: dt.datetime | None = None,
) -> MarkResult:
    """Mark items sent from the hub's summary of `batch_id` only; record per-report conflicts."""
    result = MarkResult()
    if summary.batch_id != batch_id:
        result.unconfirmed = list(item_ids)
        return result
    outcomes = {(o.point_code, o.day, o.revision): o for o in summary.results}
    when = now or _now()
    for item_id in item_ids:
        item = session.get(OutboxItem, item_id)
        if item is None:
            continue
        report = session.get(DayReport, item.report_id)
        o = outcomes.get((report.point_code, report.day, report.revision)) if report else None
        if o is None or item.content_hash != hashes_at_send.get(item_id):
            item.last_error = "Máy chủ tỉnh chưa xác nhận báo cáo này" if o is None else item.last_error
            result.unconfirmed.append(item_id)
        elif o.outcome in _ACCEPTED:
            item.sent_at, item.batch_id, item.last_error = when, batch_id, ""
            item.confirmed_via = "network"
            result.sent.append(item_id)
        elif o.outcome == CONFLICT:
            item.last_error = CONFLICT_PREFIX + (o.reason or "máy chủ tỉnh báo xung đột")
            result.conflicts.append(o)
        else:
            result.unconfirmed.append(item_id)
    session.flush()
    return result


# --- offline: bundles and receipts ------------------------------------------------------------


def mark_exported(session: Session, item_ids: list[int], *, now: dt.datetime | None = None) -> None:
    """The items went into a USB bundle: "đã xuất, chờ xác nhận" until a receipt (or a sync) confirms them.
    They stay pending, so every later bundle carries them again."""
    if item_ids:
        session.execute(update(OutboxItem).where(OutboxItem.id.in_(item_ids), OutboxItem.sent_at.is_(None))
                        .values(exported_at=now or _now()))


@dataclass(slots=True)
class ReceiptResult:
    confirmed: int = 0  # newly confirmed by this receipt
    already: int = 0  # confirmed before (by the network or an earlier receipt)
    conflicts: int = 0
    not_matching: int = 0  # entries for another revision or other figures than this laptop's: left alone


def confirm_from_receipt(session: Session, entries: list[dict[str, object]], *,
                         now: dt.datetime | None = None) -> ReceiptResult:
    """Mark exactly the reports a verified receipt lists as stored (same point, day, revision AND content
    hash); conflicts are recorded as the network path records them."""
    result = ReceiptResult()
    when = now or _now()
    for e in entries:
        try:
            day = dt.date.fromisoformat(str(e["day"]))
            point, revision, chash = str(e["point_code"]), int(str(e["revision"])), str(e["content_hash"])
            outcome, reason = str(e["outcome"]), str(e.get("reason") or "")
        except (KeyError, TypeError, ValueError):
            result.not_matching += 1
            continue
        row = session.execute(
            select(OutboxItem, DayReport).join(DayReport, DayReport.id == OutboxItem.report_id)
            .where(DayReport.point_code == point, DayReport.day == day, DayReport.revision == revision)
        ).first()
        if row is None or row[0].content_hash != chash:
            result.not_matching += 1
            continue
        item = row[0]
        if item.sent_at is not None:
            result.already += 1
        elif outcome in _ACCEPTED:
            item.sent_at, item.confirmed_via, item.last_error = when, "receipt", ""
            result.confirmed += 1
        elif outcome == CONFLICT:
            item.last_error = CONFLICT_PREFIX + (reason or "máy chủ tỉnh báo xung đột")
            result.conflicts += 1
        else:
            result.not_matching += 1
    session.flush()
    return result


WAITING, EXPORTED, SENT, CONFIRMED, IN_CONFLICT = "waiting", "exported", "sent", "confirmed", "conflict"
STATE_LABELS = {WAITING: "Chờ gửi", EXPORTED: "Đã xuất, chờ xác nhận", SENT: "Đã gửi",
                CONFIRMED: "Đã xác nhận (biên nhận)", IN_CONFLICT: "Xung đột"}


@dataclass(frozen=True, slots=True)
class DayState:
    day: dt.date
    point_code: str
    revision: int
    state: str  # waiting / exported / sent (network) / confirmed (receipt) / conflict

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def day_states(session: Session, limit: int = 400) -> list[DayState]:
    """Per (day, point), the latest revision's delivery state; newest day first."""
    latest = _latest_revisions()
    rows = session.execute(
        select(OutboxItem, DayReport)
        .join(DayReport, DayReport.id == OutboxItem.report_id)
        .join(latest, (latest.c.point_code == DayReport.point_code) & (latest.c.day == DayReport.day)
              & (latest.c.rev == DayReport.revision))
        .order_by(DayReport.day.desc(), DayReport.point_code).limit(limit)
    ).all()
    out = []
    for item, report in rows:
        if item.sent_at is not None:
            state = CONFIRMED if item.confirmed_via == "receipt" else SENT
        elif item.last_error.startswith(CONFLICT_PREFIX):
            state = IN_CONFLICT
        elif item.exported_at is not None:
            state = EXPORTED
        else:
            state = WAITING
        out.append(DayState(report.day, report.point_code, report.revision, state))
    return out


def exported_count(session: Session) -> int:
    return sum(1 for i, _ in pending(session) if i.exported_at is not None)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    last_success_at: str  # ISO UTC, '' if never
    waiting: int
    last_error: str  # plain Vietnamese, '' when the last run succeeded
    last_error_at: str
    conflicts: int
    exported: int = 0  # of the waiting ones: in a bundle, waiting for the receipt


def status(session: Session) -> SyncStatus:
    items = pending(session)
    return SyncStatus(
        last_success_at=config.get(session, KEY_LAST_SUCCESS),
        waiting=len(items),
        last_error=config.get(session, KEY_LAST_ERROR),
        last_error_at=config.get(session, KEY_LAST_ERROR_AT),
        conflicts=len(conflicts(session)),
        exported=sum(1 for i, _ in items if i.exported_at is not None),
    )


def record_run(session: Session, result: SyncResult, *, now: dt.datetime | None = None) -> None:
    stamp = (now or _now()).isoformat() + "Z"
    config.put(session, KEY_LAST_RUN, stamp)
    if result.error:
        config.put(session, KEY_LAST_ERROR, result.error)
        config.put(session, KEY_LAST_ERROR_AT, stamp)
    else:
        config.put(session, KEY_LAST_SUCCESS, stamp)
        config.put(session, KEY_LAST_ERROR, "")


# --- batches ----------------------------------------------------------------------------------------------


def _assign(session: Session, item_ids: list[int], batch_id: str | None) -> None:
    if item_ids:
        session.execute(update(OutboxItem).where(OutboxItem.id.in_(item_ids)).values(batch_id=batch_id))


def take_batches(session: Session, commune_code: str, max_reports: int) -> list[OutgoingBatch]:
    """Group pending items into batches, reusing a kept batch id when its membership is unchanged.

    A batch whose membership changed (an item superseded, confirmed or in conflict) cannot be resent
    under its id (the hub would answer 409): its still-pending items join new batches. The ids are
    written before returning, so a crash or timeout mid-send leaves the same id for the resend.
    """
    items = pending(session)
    by_batch: dict[str, list[tuple[OutboxItem, DayReport]]] = defaultdict(list)
    fresh: list[tuple[OutboxItem, DayReport]] = []
    for item, report in items:
        (by_batch[item.batch_id] if item.batch_id else fresh).append((item, report))
    out: list[OutgoingBatch] = []
    for bid, members in by_batch.items():
        all_ids = set(session.scalars(select(OutboxItem.id).where(OutboxItem.batch_id == bid)))
        if all_ids == {i.id for i, _ in members} and len(members) <= max_reports:
            out.append(_batch(bid, members, commune_code, kept=True))
        else:
            fresh.extend(members)
    fresh.sort(key=lambda ir: (ir[1].day, ir[1].point_code, ir[1].revision))
    for start in range(0, len(fresh), max_reports):
        chunk = fresh[start : start + max_reports]
        bid = str(uuid.uuid4())
        _assign(session, [i.id for i, _ in chunk], bid)
        out.append(_batch(bid, chunk, commune_code))
    session.flush()
    return out


def _batch(
    bid: str, members: list[tuple[OutboxItem, DayReport]], commune_code: str, kept: bool = False
) -> OutgoingBatch:
    members = sorted(members, key=lambda ir: (ir[1].day, ir[1].point_code, ir[1].revision))
    return OutgoingBatch(
        batch_id=bid,
        item_ids=tuple(i.id for i, _ in members),
        reports=tuple(report_of(r, commune_code) for _, r in members),
        hashes={i.id: i.content_hash for i, _ in members},
        kept=kept,
    )


class DesktopOutbox:
    """sync.client.OutboxPort over the commune database (each call is its own short transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _commune(self, s: Session) -> str:
        c = config.commune(s)
        if c is None:
            raise RuntimeError("commune not configured")
        return c.code

    def take_batches(self, max_reports: int) -> list[OutgoingBatch]:
        with self.db.session() as s:
            return take_batches(s, self._commune(s), max_reports)

    def confirm(self, batch: OutgoingBatch, summary: ImportSummary) -> ConfirmResult:
        with self.db.session() as s:
            r = mark_sent(s, list(batch.item_ids), batch.batch_id, summary, dict(batch.hashes))
            return ConfirmResult(sent=len(r.sent), conflicts=list(r.conflicts), unconfirmed=len(r.unconfirmed))

    def renew(self, batch: OutgoingBatch, parts: int = 1) -> list[OutgoingBatch]:
        """New batch ids for this content (409) or for `parts` smaller pieces of it (413)."""
        n = len(batch.item_ids)
        size = max(1, -(-n // max(1, parts)))
        out = []
        with self.db.session() as s:
            for start in range(0, n, size):
                ids = batch.item_ids[start : start + size]
                bid = str(uuid.uuid4())
                _assign(s, list(ids), bid)
                out.append(OutgoingBatch(bid, ids, batch.reports[start : start + size],
                                         {i: batch.hashes[i] for i in ids}))
        return out

    def release(self, batch: OutgoingBatch) -> None:
        """The hub certainly never saw this batch (connection refused): forget its id so backlogs merge."""
        with self.db.session() as s:
            s.execute(update(OutboxItem).where(OutboxItem.id.in_(batch.item_ids), OutboxItem.sent_at.is_(None),
                                               OutboxItem.batch_id == batch.batch_id).values(batch_id=None))

    def failed(self, batch: OutgoingBatch, message: str) -> None:
        with self.db.session() as s:
            s.execute(update(OutboxItem).where(OutboxItem.id.in_(batch.item_ids), OutboxItem.sent_at.is_(None))
                      .values(attempts=OutboxItem.attempts + 1, last_error=message[:500]))

    def finished(self, result: SyncResult) -> None:
        with self.db.session() as s:
            result.remaining = waiting_count(s)
            record_run(s, result)
