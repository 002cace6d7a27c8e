"""Day close: turn a day's status events into revisioned, absolute per-point reports and queue them.

A closed day is a DayReport revision (absolute totals per indicator and per village, never increments, so
sending it twice is harmless). Closing locks the day: an event recorded later for that day does not edit
the report; closing the day again writes revision n+1 if the counts changed, and nothing new if they did
not. "Nothing happened" is a closed report with zeros, distinct from a day never closed. The report and
its outbox item are written in the caller's transaction, so a crash leaves either both or neither.

Every counted event lands in exactly one report (the rule is `indicators`'): a point's report counts the
(citizen, day, indicator) whose first event was at that point; events recorded without a point go to the
commune's "không theo điểm" report, point code `protocol.COMMUNE_POINT_CODE` ("_XA"), closed with the
points whenever it has events that day (or had a report before). The reports of one day add up to the
commune's printed figures for that day, indicator by indicator and village by village.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import DayReport, Operator, Point, StatusEvent
from desktop.services import auth
from desktop.services.figures import indicators
from desktop.services.province_link import outbox, succession
from desktop.services.province_link.day_reports import Counts, full_counts, report_of
from desktop.services.register.village_names import reportable_village
from sync.protocol import COMMUNE_POINT_CODE, COMMUNE_POINT_LABEL_VI, INDICATORS

OPEN, CLOSED, CHANGED = "open", "closed", "changed_since_close"
UNKNOWN_VILLAGE = "Chưa rõ thôn/tổ"


# --- counting -------------------------------------------------------------------------------------------


def count_point_day(session: Session, day: dt.date, point_id: int) -> Counts:
    """What a report for (point, day) says now: protocol indicators, villages NFC, empty village named.

    `point_id=indicators.NO_POINT`: the commune's "không theo điểm" report."""
    # Only this laptop's own events: copies of other laptops' events (peer sync) are theirs to report.
    # A successor's own events include its predecessor's (succession.counting_origins).
    raw = indicators.count_day(session, day, point_id=point_id, origin=succession.counting_origins(session))
    villages: dict[str, dict[str, int]] = {}
    for name, counts in raw.by_village.items():
        # A name holding a phone, an ID number or a person's name never leaves the laptop (village_names).
        key = reportable_village(nfc(name)) or UNKNOWN_VILLAGE
        bucket = villages.setdefault(key, dict.fromkeys(INDICATORS, 0))
        for k in INDICATORS:
            bucket[k] += int(counts.get(k, 0))
    villages = {v: c for v, c in sorted(villages.items()) if any(c.values())}
    return Counts(full_counts(raw.totals), villages)


# --- reports ----------------------------------------------------------------------------------------------


def _utc_naive(now: dt.datetime | None) -> dt.datetime:
    """closed_at is stored as naive UTC (protocol.iso() reads naive as UTC)."""
    when = now or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def _content_key(counts: Counts) -> str:
    return counts.to_json()


def latest_report(session: Session, day: dt.date, point_code: str) -> DayReport | None:
    return session.scalar(
        select(DayReport)
        .where(DayReport.point_code == point_code, DayReport.day == day)
        .order_by(DayReport.revision.desc())
        .limit(1)
    )


def point_label(code: str) -> str:
    """How a report's point code reads to people: the bucket by its name, a point by its code."""
    return COMMUNE_POINT_LABEL_VI if code == COMMUNE_POINT_CODE else code


def _report_point(session: Session, point: Point | str | int) -> tuple[str, int]:
    """(report point code, point id for counting): a point, or the commune bucket by its code."""
    if isinstance(point, str) and nfc(point) == COMMUNE_POINT_CODE:
        return COMMUNE_POINT_CODE, indicators.NO_POINT
    p = _point(session, point)
    return p.code, p.id


def _point(session: Session, point: Point | str | int) -> Point:
    if isinstance(point, Point):
        return point
    if isinstance(point, int):
        obj = session.get(Point, point)
    else:
        obj = session.scalar(select(Point).where(Point.code == nfc(point)))
    if obj is None:
        raise ValidationError("point", str(point), f"Điểm thu nhận '{point}' không tồn tại",
                              en=f"Enrolment point '{point}' does not exist")
    return obj


def _points_for_day(session: Session, day: dt.date) -> list[tuple[str, int]]:
    """(code, id) of every active point, plus any inactive point that has events on that day, plus the
    commune bucket when events without a point exist that day or it was closed before."""
    with_events = select(StatusEvent.point_id).where(StatusEvent.occurred_on == day, StatusEvent.point_id.is_not(None))
    out = [(p.code, p.id) for p in session.scalars(
        select(Point).where((Point.active.is_(True)) | Point.id.in_(with_events)).order_by(Point.code))]
    unplaced = session.scalar(select(StatusEvent.id).where(
        StatusEvent.occurred_on == day, StatusEvent.point_id.is_(None),
        StatusEvent.event_type.in_(indicators.INDICATORS)).limit(1))
    if unplaced is not None or latest_report(session, day, COMMUNE_POINT_CODE) is not None:
        out.append((COMMUNE_POINT_CODE, indicators.NO_POINT))
    return out


def _check_role(operator: Operator | auth.OperatorInfo | None) -> None:
    """Only a supervisor closes (or re-closes) a day. operator=None is the headless CLI / system path."""
    if operator is not None:
        auth.require_role(operator, "supervisor", "chốt số liệu ngày")


def is_closed(session: Session, day: dt.date, point_code: str) -> bool:
    """True once any revision of (point, day) exists: the day is locked against silent edits."""
    return latest_report(session, day, nfc(point_code)) is not None


def day_status(session: Session, day: dt.date, point: Point | str | int) -> str:
    """'open' (never closed), 'closed' (report matches the events) or 'changed_since_close'.
    `point` may be the commune bucket's code."""
    code, point_id = _report_point(session, point)
    row = latest_report(session, day, code)
    if row is None:
        return OPEN
    return CLOSED if _content_key(count_point_day(session, day, point_id)) == _content_key(
        Counts.from_json(row.totals_json)) else CHANGED


@declares(Changes(reports=True))
def close_day(
    session: Session,
    day: dt.date,
    point_code: str | None = None,
    *,
    operator: Operator | auth.OperatorInfo | None = None,
    now: dt.datetime | None = None,
    confirm_lower: bool = False,
) -> list[DayReport]:
    """Close one point's day (or every point's and the commune bucket's): returns the current report of each.

    `point_code` may be `COMMUNE_POINT_CODE` to close only the bucket.

    A new revision is written only when there is no report yet or the counts changed since the last one;
    each new revision is queued in the outbox in the same transaction (the caller commits).
    In a database restored from a backup, a revision that would lower what the hub holds needs
    `confirm_lower`, and a new device does not re-close the old laptop's days (desktop/services/province_link/succession.py).
    """
    _check_role(operator)
    if isinstance(day, dt.datetime):
        day = day.date()
    commune = config.commune(session)
    if commune is None:
        raise ValidationError("commune", None, "Chưa cấu hình xã: không thể chốt ngày",
                              en="The commune is not set up yet: the day cannot be closed")
    if day > _utc_naive(now).date() + dt.timedelta(days=1):
        raise ValidationError("day", day.isoformat(), "Không thể chốt một ngày chưa tới",
                              en="A day that has not come yet cannot be closed")
    points = [_report_point(session, point_code)] if point_code else _points_for_day(session, day)
    if not points:
        raise ValidationError("point", None, "Chưa có điểm thu nhận nào để chốt ngày",
                              en="There is no enrolment point to close the day for yet")
    closed_at = _utc_naive(now)
    out: list[DayReport] = []
    for code, point_id in points:
        counts = count_point_day(session, day, point_id)
        last = latest_report(session, day, code)
        if (last is not None and _content_key(Counts.from_json(last.totals_json)) == _content_key(counts)
                and not outbox.is_conflicted(session, last)):
            out.append(last)  # unchanged: nothing new (a report the hub refused as conflicting is re-issued)
            continue
        succession.check_close(session, last, counts, confirm_lower=confirm_lower)
        row = DayReport(
            point_code=code,
            day=day,
            revision=(last.revision + 1) if last else 1,
            totals_json=counts.to_json(),
            closed_at=closed_at,
            closed_by=operator.id if operator is not None else None,
        )
        session.add(row)
        session.flush()
        outbox.enqueue(session, row, report_of(row, commune.code).content_hash(), now=closed_at)
        auth.audit(session, row.closed_by, "day_close", "day_report", row.id,
                   f"{code} {day.isoformat()} rev {row.revision}")
        out.append(row)
    return out


def close_preview(session: Session, day: dt.date, point_code: str | None = None) -> list[tuple[str, str, dict[str, int]]]:
    """What closing (day, point) — or every point — would report, before it is done: (point code, point
    name, totals) per report, counted exactly as `close_day` counts them. Reads only."""
    points = [_report_point(session, point_code)] if point_code else _points_for_day(session, day)
    names = {p.code: p.name for p in session.scalars(select(Point))}
    return [(code, names.get(code, code), count_point_day(session, day, point_id).totals)
            for code, point_id in points]


def changed_days(session: Session, since: dt.date | None = None) -> list[tuple[dt.date, str]]:
    """Closed (day, point code) whose events changed after the close: close them again to send a revision.

    Recounts every closed day (≈1.3 ms each on the reference laptop; a year of 3 points ≈1.4 s), so the UI
    should call it off the GUI thread or pass `since` to look at recent days only.
    """
    latest = (
        select(DayReport.point_code, DayReport.day, func.max(DayReport.revision).label("rev"))
        .group_by(DayReport.point_code, DayReport.day)
        .subquery()
    )
    rows = session.execute(
        select(DayReport, Point.id)
        .join(latest, (latest.c.point_code == DayReport.point_code) & (latest.c.day == DayReport.day)
              & (latest.c.rev == DayReport.revision))
        .outerjoin(Point, Point.code == DayReport.point_code)
        .where(DayReport.day >= since if since is not None else sa_true())
        .order_by(DayReport.day, DayReport.point_code)
    ).all()
    out = []
    for report, pid in rows:
        point_id: int | None = indicators.NO_POINT if report.point_code == COMMUNE_POINT_CODE else pid  # None: outer join
        if point_id is None:
            continue  # a point removed since: nothing to recount against
        if not succession.re_closable(session, report):
            continue  # a restored laptop enrolled as new: the old laptop's day, not this one's to re-close
        if _content_key(count_point_day(session, report.day, point_id)) != _content_key(
                Counts.from_json(report.totals_json)):
            out.append((report.day, report.point_code))
    return out


def report_dict(row: DayReport) -> dict[str, Any]:
    """A plain dict of one stored revision (CLI output, UI)."""
    counts = Counts.from_json(row.totals_json)
    return {
        "point_code": row.point_code,
        "point_label": point_label(row.point_code),
        "day": row.day.isoformat(),
        "revision": row.revision,
        "closed_at": row.closed_at.isoformat(),
        "totals": counts.totals,
        "by_village": counts.by_village,
    }
