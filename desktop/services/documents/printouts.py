"""Gather what the printed documents need from the database, and render them.

The builders in `desktop.printing` are pure functions of small dataclasses; this module is the only
place that reads the database for them. Appointments come from `scheduling.appointments_for` (moved and
cancelled ones left out), figures from `indicators` (the same counts the day close sends upward), targets
from the `targets` table. An empty selection raises `NothingToPrint` (a ServiceError: CLI exit 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.vietnamese import NameOrder, fold, nfc, sort_key
from desktop import config
from desktop.errors import ValidationError
from desktop.models import Appointment, Citizen, EnrollmentSession, Point, StatusEvent, Target
from desktop.printing.data import (
    DailyReportData,
    IndicatorLine,
    ListDoc,
    ListRow,
    NoShow,
    NothingToPrint,
    SlipData,
    Unit,
    VillageLine,
)
from desktop.printing.slips import FORMATS, build_slips_pdf
from desktop.printing.text import printed_purpose, slot_text
from desktop.printing.village_list import build_list_pdf
from desktop.services import scheduling
from desktop.services.figures import indicators, village_targets
from desktop.services.scheduling.codes import display

__all__ = [
    "FORMATS", "NothingToPrint", "Selection", "daily_report", "list_pdf", "report_pdf", "slips",
    "slips_pdf", "unit_of", "village_list",
]

REPORT_INDICATORS = tuple(i for i in indicators.INDICATORS if i != "no_show")  # no-shows have their section


@dataclass(frozen=True, slots=True)
class Selection:
    """Which appointments: one enrollment session, or every one of a day (optionally at one point), and a village."""

    enrollment_session_id: int | None = None
    day: dt.date | None = None
    point_id: int | None = None
    village: str | None = None


def unit_of(session: Session) -> Unit:
    c = config.commune(session)
    return Unit(c.name, c.province_name) if c is not None else Unit("", "")


def _enrollment_sessions(session: Session, sel: Selection) -> list[EnrollmentSession]:
    if sel.enrollment_session_id is not None:
        es = scheduling.get_enrollment_session(session, sel.enrollment_session_id)
        if sel.point_id is not None and es.point_id != sel.point_id:
            raise NothingToPrint(f"Buổi thu nhận mã {es.id} không ở điểm đã chọn: không có gì để in.",
                                 en=f"Enrolment session {es.id} is not at the chosen point: nothing to "
                                    "print.")
        return [es]
    if sel.day is None:
        raise ValidationError("enrollment_session_id", None, "Chọn một buổi thu nhận (--session) hoặc một ngày (--date) để in.",
                              en="Choose an enrolment session (--session) or a day (--date) to print.")
    q = select(EnrollmentSession).where(
        EnrollmentSession.day == sel.day, EnrollmentSession.state != "cancelled"
    )
    if sel.point_id is not None:
        q = q.where(EnrollmentSession.point_id == sel.point_id)
    return list(session.scalars(q.order_by(EnrollmentSession.start_time, EnrollmentSession.id)))


def _rows(
    session: Session, sel: Selection
) -> list[tuple[EnrollmentSession, Point | None, scheduling.AppointmentRow]]:
    out = []
    village_key = fold(sel.village) if sel.village else None
    for es in _enrollment_sessions(session, sel):
        point = session.get(Point, es.point_id)
        for row in scheduling.appointments_for(session, es.id, village_key):
            out.append((es, point, row))
    return out


def _empty_message(sel: Selection, what: str) -> str:
    parts = []
    if sel.enrollment_session_id is not None:
        parts.append(f"buổi {sel.enrollment_session_id}")
    if sel.day is not None:
        parts.append(f"ngày {sel.day:%d/%m/%Y}")
    if sel.village:
        parts.append(f"thôn/tổ “{nfc(sel.village)}”")
    where = ", ".join(parts) or "lựa chọn này"
    return f"Không có lịch hẹn nào ({where}): không có {what} để in."


def _empty_message_en(sel: Selection, what: str) -> str:
    parts = []
    if sel.enrollment_session_id is not None:
        parts.append(f"session {sel.enrollment_session_id}")
    if sel.day is not None:
        parts.append(f"{sel.day:%d/%m/%Y}")
    if sel.village:
        parts.append(f"village “{nfc(sel.village)}”")
    where = ", ".join(parts) or "this selection"
    return f"No appointments ({where}): no {what} to print."


def slips(session: Session, sel: Selection, officer: str = "") -> list[SlipData]:
    """One slip per active appointment of the selection, in slot then name order."""
    unit = unit_of(session)
    rows = _rows(session, sel)
    # The slip says which work: first card or cấp đổi, VNeID registration or activation only.
    state = _card_vneid_state(session, {r.citizen_id for _, _, r in rows})
    out = [
        SlipData(
            code=r.code, full_name=r.full_name, birth_year=r.birth_year, village=r.village,
            purpose=printed_purpose(r.purpose, *state.get(r.citizen_id, (False, 0))),
            day=es.day, slot_start=r.slot_start, slot_end=r.slot_end, point_name=p.name if p else "",
            point_address=p.address if p else "", unit=unit, officer=nfc(officer), code_text=display(r.code),
        )
        for es, p, r in rows
    ]
    if not out:
        raise NothingToPrint(_empty_message(sel, "giấy hẹn"), en=_empty_message_en(sel, "slips"))
    return out


def _card_vneid_state(session: Session, citizen_ids: set[int]) -> dict[int, tuple[bool, int]]:
    """citizen id → (has a card, VNeID stage), in chunks of 500 ids."""
    ids = sorted(citizen_ids)
    out: dict[int, tuple[bool, int]] = {}
    for i in range(0, len(ids), 500):
        q = select(Citizen.id, Citizen.has_card, Citizen.vneid_stage).where(Citizen.id.in_(ids[i:i + 500]))
        for cid, has_card, stage in session.execute(q):
            out[cid] = (bool(has_card), int(stage or 0))
    return out


def _list_rows(session: Session, sel: Selection, order: NameOrder) -> tuple[list[ListRow], set[dt.date], set[str]]:
    """The village list's rows, already in print order: villages in Vietnamese order (when the selection
    spans several), then names by the stored collation column of `order`; one Core query per enrollment
    session, no ORM objects and no Python sort key per row."""
    col = Citizen.sort_family if order is NameOrder.FAMILY else Citizen.sort_given
    village_key = fold(sel.village) if sel.village else None
    keyed: list[tuple[str, str, ListRow]] = []
    days: set[dt.date] = set()
    points: set[str] = set()
    for es in _enrollment_sessions(session, sel):
        point = session.get(Point, es.point_id)
        ends = scheduling.slot_ends(es)
        slot_texts: dict[dt.time, str] = {}
        q = (
            select(Citizen.full_name, Citizen.birth_year, Citizen.birth_date, Citizen.village, Appointment.slot_start,
                   Appointment.purpose, col, Citizen.has_card, Citizen.vneid_stage)
            .join(Citizen, Citizen.id == Appointment.citizen_id)
            .where(Appointment.session_id == es.id, Appointment.state.not_in(("moved", "cancelled")))
        )
        if village_key:
            q = q.where(Citizen.village_key == village_key)
        for name, year, born, village, start, purpose, key, has_card, stage in session.execute(
            q.order_by(col, Appointment.slot_start, Citizen.id)
        ):
            # as on the slips: first card or cấp đổi, VNeID registration or activation only
            purpose = printed_purpose(purpose, bool(has_card), int(stage or 0))
            slot = slot_texts.get(start)
            if slot is None:
                slot = slot_texts[start] = slot_text(start, scheduling.slot_end(es, ends, start))
            keyed.append((village, key, ListRow(name, year or (born.year if born else None), village, slot, purpose)))
            days.add(es.day)
            if point is not None:
                points.add(point.name)
    if not sel.village:  # villages first: a key per village, not per row; the sort is stable
        vkeys = {v: sort_key(v) for v in {k[0] for k in keyed}}
        keyed.sort(key=lambda k: (vkeys[k[0]], k[1]))
    return [k[2] for k in keyed], days, points


def village_list(session: Session, sel: Selection, order: NameOrder | str | None = None) -> ListDoc:
    """The list for village heads: the selection's appointments in the commune's (or the given) name order."""
    name_order = NameOrder(order or config.name_order(session))
    rows, days, points = _list_rows(session, sel, name_order)
    if not rows:
        raise NothingToPrint(_empty_message(sel, "danh sách"), en=_empty_message_en(sel, "list"))
    return ListDoc(
        unit=unit_of(session),
        rows=rows,
        day=next(iter(days)) if len(days) == 1 else None,
        point_name=next(iter(points)) if len(points) == 1 else "",
        village=nfc(sel.village) if sel.village else "",
        order=str(name_order),
        presorted=True,
    )


def daily_report(
    session: Session,
    day: dt.date,
    point_id: int | None = None,
    *,
    include_no_show_names: bool = False,
    prepared_by: str = "",
    chief_name: str = "",
    number: str = "",
    recipients: tuple[str, ...] | None = None,
    copies: tuple[str, ...] | None = None,
) -> DailyReportData:
    """The day's figures (today and cumulative against the province targets), villages and no-shows.

    A point's report shows no target and no percentage: the province's targets are the whole commune's, and
    a point has no share of them. Villages show the commune's own village targets (commune report only).
    "Kính gửi" and "Nơi nhận" come from the commune's settings (services.report_settings) unless given.
    """
    from desktop.services.figures import report_settings

    today = indicators.count_day(session, day, point_id)
    until = indicators.count_until(session, day, point_id)
    targets = {t.indicator: t.value for t in session.scalars(select(Target))} if point_id is None else {}
    lines = [
        IndicatorLine(k, indicators.label(k), today.totals.get(k, 0), until.get(k, 0), targets.get(k))
        for k in REPORT_INDICATORS
    ]
    villages = _village_lines(session, day, point_id)

    appt_q = (
        select(func.count(Appointment.id))
        .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
        .where(EnrollmentSession.day == day, Appointment.state.not_in(("moved", "cancelled")))
    )
    if point_id is not None:
        appt_q = appt_q.where(EnrollmentSession.point_id == point_id)
    point = session.get(Point, point_id) if point_id is not None else None
    data = DailyReportData(
        unit=unit_of(session), day=day, indicators=lines, villages=villages,
        no_show_count=today.totals.get("no_show", 0), point_name=point.name if point else "",
        appointments_count=session.scalar(appt_q) or 0, attended_count=today.totals.get("attended", 0),
        prepared_by=nfc(prepared_by), chief_name=nfc(chief_name), number=nfc(number),
    )
    stored = report_settings.get_recipients(session)
    data.recipients = tuple(nfc(r) for r in recipients) if recipients is not None else stored.to
    data.copies = tuple(nfc(c) for c in copies) if copies is not None else stored.cc
    if include_no_show_names:
        data.no_shows = _no_shows(session, day, point_id)
    return data


def _village_lines(session: Session, day: dt.date, point_id: int | None) -> list[VillageLine]:
    """Every village with activity up to the day or a target (commune report only), in Vietnamese order."""
    until_by_key = indicators.count_until_by_village(session, day, point_id)
    goals = village_targets.village_targets(session) if point_id is None else {}
    for key in goals:
        until_by_key.setdefault(key, indicators.zeros())  # a village with a target and nothing done yet
    # villages: every village with activity up to the day; the display name of each key from the register
    names = dict(session.execute(
        select(Citizen.village_key, func.max(Citizen.village))
        .where(Citizen.village_key.in_(list(until_by_key))).group_by(Citizen.village_key)
    ).all()) if until_by_key else {}
    today_by_key = indicators.count_day_by_village_key(session, day, point_id)
    villages = []
    for key, cum in until_by_key.items():
        name = names.get(key, "") or ""
        td = today_by_key.get(key, {})
        goal = goals.get(key, {})
        if not any(cum.get(k, 0) for k in REPORT_INDICATORS) and not goal:
            continue
        villages.append(VillageLine(
            name, tuple(td.get(k, 0) for k in REPORT_INDICATORS), tuple(cum.get(k, 0) for k in REPORT_INDICATORS),
            tuple(goal.get(k) for k in REPORT_INDICATORS) if goal else (),
        ))
    villages.sort(key=lambda v: sort_key(v.village))
    return villages


def _no_shows(session: Session, day: dt.date, point_id: int | None) -> list[NoShow]:
    q = (
        select(Citizen, Appointment.slot_start)
        .join(StatusEvent, StatusEvent.citizen_id == Citizen.id)
        .outerjoin(Appointment, Appointment.id == StatusEvent.appointment_id)
        .where(StatusEvent.occurred_on == day, StatusEvent.event_type == "no_show")
    )
    if point_id is not None:
        q = q.where(StatusEvent.point_id == point_id)
    order = config.name_order(session)
    col = Citizen.sort_family if order is NameOrder.FAMILY else Citizen.sort_given
    seen: set[int] = set()
    out = []
    for c, slot in session.execute(q.order_by(Citizen.village_key, col, Citizen.id)):
        if c.id in seen:
            continue
        seen.add(c.id)
        year = c.birth_year or (c.birth_date.year if c.birth_date else None)
        out.append(NoShow(c.full_name, year, c.village, slot_text(slot, None)))
    return out


def slips_pdf(session: Session, sel: Selection, fmt: str = "a6", officer: str = "") -> bytes:
    if fmt not in FORMATS:
        raise ValidationError("format", fmt, f"Khổ giấy hẹn '{fmt}' không hợp lệ (a6, thermal)",
                              en=f"Slip format '{fmt}' is not valid (a6, thermal)")
    return build_slips_pdf(slips(session, sel, officer), fmt)


def list_pdf(session: Session, sel: Selection, order: NameOrder | str | None = None) -> bytes:
    return build_list_pdf(village_list(session, sel, order))


def report_pdf(session: Session, day: dt.date, point_id: int | None = None, **kw: object) -> bytes:
    from desktop.printing.daily_report import build_report_pdf  # ReportLab platypus: only the report needs it

    return build_report_pdf(daily_report(session, day, point_id, **kw))  # type: ignore[arg-type]
