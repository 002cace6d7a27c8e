"""Every counted event lands in exactly one closed report.

Events recorded without a point (an activation on the citizen's own phone) go to the commune's
"không theo điểm" report (point code `_XA`); a person seen at two points on one day counts at the first. The
closed reports of all points plus that bucket add up to the printed commune report for every day and
indicator, whatever the history: random histories below, with revisions (days closed, then events typed in
later for those days, then closed again), on a real SQLite file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from common.vietnamese import fold
from desktop import config
from desktop.cli import main
from desktop.errors import ValidationError
from desktop.models import Citizen, DayReport, Point
from desktop.services.documents import printouts
from desktop.services.figures import dayclose, indicators
from desktop.services.province_link import outbox
from desktop.services.province_link.day_reports import Counts, report_of
from desktop.services.register import points
from desktop.services.register.statuses import record_event
from desktop.storage.db import open_database
from sync.protocol import COMMUNE_POINT_CODE, INDICATORS, Report

DAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)
VILLAGES = ("Thôn Đông", "Thôn Tây", "Tổ dân phố 2")
EVENTS = ("scheduled", "attended", "no_show", "card_captured", "card_delivered", "vneid_l2_captured",
          "vneid_l2_elsewhere", "vneid_approved", "vneid_activated", "rejected")


@pytest.fixture
def commune(db):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add_all([Point(code="P1", name="Nhà văn hoá thôn Đông"), Point(code="P2", name="Trụ sở")])
    return db


_serial = itertools.count(1)
_examples = itertools.count(1)


def _citizen(s, village: str, has_card: bool = False) -> Citizen:
    n = next(_serial)
    now = dt.datetime(2026, 1, 1)
    c = Citizen(id_number=f"0561950{n:05d}", full_name=f"Nguyễn Văn {n}", name_key=f"nguyen van {n}",
                given_key=str(n), sort_given=str(n), sort_family=str(n), village=village, village_key=fold(village),
                has_card=has_card, created_at=now, updated_at=now)
    s.add(c)
    s.flush()
    return c


def _latest_reports(s, day: dt.date) -> list[DayReport]:
    latest = (select(DayReport.point_code, func.max(DayReport.revision).label("rev"))
              .where(DayReport.day == day).group_by(DayReport.point_code).subquery())
    return list(s.scalars(select(DayReport).join(
        latest, (latest.c.point_code == DayReport.point_code) & (latest.c.rev == DayReport.revision))
        .where(DayReport.day == day)))


def _sum_reports(s, day: dt.date) -> Counts:
    totals = dict.fromkeys(INDICATORS, 0)
    villages: dict[str, dict[str, int]] = {}
    for r in _latest_reports(s, day):
        c = Counts.from_json(r.totals_json)
        for k in INDICATORS:
            totals[k] += c.totals[k]
        for v, vc in c.by_village.items():
            bucket = villages.setdefault(v, dict.fromkeys(INDICATORS, 0))
            for k in INDICATORS:
                bucket[k] += vc[k]
    return Counts(totals, villages)


def _assert_reports_add_up(s, days: list[dt.date]) -> None:
    cumulative = indicators.count_until(s, min(days) - dt.timedelta(days=1))  # earlier examples' days
    for day in sorted(days):
        summed = _sum_reports(s, day)
        commune = indicators.count_day(s, day)
        assert summed.totals == commune.totals, day
        assert summed.by_village == {v: c for v, c in commune.by_village.items() if any(c.values())}, day
        for k in INDICATORS:
            cumulative[k] += summed.totals[k]
        printed = printouts.daily_report(s, day)  # what the chief signs
        for line in printed.indicators:
            assert line.today == summed.totals[line.key], (day, line.key)
            assert line.cumulative == cumulative[line.key], (day, line.key)


_step = st.tuples(
    st.integers(0, 5),  # citizen
    st.sampled_from(EVENTS),
    st.integers(0, 2),  # day
    st.integers(7, 9),  # hour: ties happen (then the earlier record wins)
    st.sampled_from(["P1", "P2", None]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(_step, max_size=25), later=st.lists(_step, max_size=12), data=st.data())
def test_closed_reports_sum_to_commune_figures(commune, first, later, data) -> None:
    db = commune
    base = DAY - dt.timedelta(days=5000 - 10 * next(_examples))  # past days of its own, later each time
    days = [base + dt.timedelta(days=i) for i in range(3)]
    with db.session() as s:
        pts = {p.code: p for p in s.scalars(select(Point))}
        people = [_citizen(s, VILLAGES[i % 3], has_card=data.draw(st.booleans())) for i in range(6)]

        def play(steps):
            for who, event, d, hour, point in steps:
                try:
                    record_event(s, people[who], event, at=dt.datetime.combine(days[d], dt.time(hour)),
                                 point=pts[point] if point else None)
                except ValidationError:
                    pass  # a transition the rules refuse: nothing recorded

        play(first)
        for day in days:
            dayclose.close_day(s, day, now=NOW)
        _assert_reports_add_up(s, days)
        play(later)  # typed in after the close: revisions
        for day in days:
            dayclose.close_day(s, day, now=NOW + dt.timedelta(hours=1))
        _assert_reports_add_up(s, days)
        assert [d for d, _ in dayclose.changed_days(s, since=base)] == []
        # each report's counts are the events owned by its point: no event counted twice, none left out
        for day in days:
            for r in _latest_reports(s, day):
                pid = indicators.NO_POINT if r.point_code == COMMUNE_POINT_CODE else pts[r.point_code].id
                assert Counts.from_json(r.totals_json) == dayclose.count_point_day(s, day, pid)


def test_activation_without_point_reaches_a_closed_report(commune) -> None:
    db = commune
    with db.session() as s:
        p1 = s.scalar(select(Point).where(Point.code == "P1"))
        a, b = _citizen(s, "Thôn Đông", True), _citizen(s, "Thôn Tây", True)
        for c in (a, b):
            record_event(s, c, "vneid_l2_captured", at=dt.datetime(2026, 11, 20, 9), point=p1)
        record_event(s, a, "vneid_activated", at=dt.datetime.combine(DAY, dt.time(9)), point=p1)
        record_event(s, b, "vneid_activated", at=dt.datetime.combine(DAY, dt.time(20)))  # on the phone, at home
        assert indicators.count_day(s, DAY).totals["vneid_activated"] == 2
        rows = dayclose.close_day(s, DAY, now=NOW)
        got = {r.point_code: dayclose.report_dict(r) for r in rows}
        assert set(got) == {"P1", "P2", COMMUNE_POINT_CODE}
        assert got["P1"]["totals"]["vneid_activated"] == 1
        assert got[COMMUNE_POINT_CODE]["totals"]["vneid_activated"] == 1
        assert got[COMMUNE_POINT_CODE]["by_village"] == {"Thôn Tây": {**dict.fromkeys(INDICATORS, 0),
                                                                     "vneid_activated": 1}}
        assert got[COMMUNE_POINT_CODE]["point_label"] == "Không theo điểm"
        assert dayclose.day_status(s, DAY, COMMUNE_POINT_CODE) == dayclose.CLOSED
        # the wire form is a valid v1 report, queued like the points'
        item_reports = [r for _, r in outbox.pending(s)]
        bucket = next(r for r in item_reports if r.point_code == COMMUNE_POINT_CODE)
        wire = report_of(bucket, "22736").to_dict()
        assert Report.from_dict(wire).totals["vneid_activated"] == 1
        # a later activation typed in for that day: the bucket is changed, and closing again revises it
        c = _citizen(s, "Thôn Đông", True)
        record_event(s, c, "vneid_l2_elsewhere", at=dt.datetime(2026, 11, 1, 9))
        record_event(s, c, "vneid_activated", at=dt.datetime.combine(DAY, dt.time(21)))
        assert dayclose.changed_days(s) == [(DAY, COMMUNE_POINT_CODE)]
        again = {r.point_code: r for r in dayclose.close_day(s, DAY, now=NOW + dt.timedelta(hours=2))}
        assert again[COMMUNE_POINT_CODE].revision == 2
        assert dayclose.report_dict(again[COMMUNE_POINT_CODE])["totals"]["vneid_activated"] == 2
        # the level-2 registration done elsewhere is counted on no day
        assert indicators.count_until(s, DAY)["vneid_l2_captured"] == 2
        # a day without events without a point writes no bucket report
        other = DAY - dt.timedelta(days=1)
        assert COMMUNE_POINT_CODE not in {r.point_code for r in dayclose.close_day(s, other, now=NOW)}


def test_bucket_code_is_reserved(commune) -> None:
    with commune.session() as s, pytest.raises(ValidationError) as e:
        points.add_point(s, COMMUNE_POINT_CODE, "Xã")
    assert "'_'" in str(e.value)


def test_cli_event_without_point_then_close_day(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "cli")
    assert main(["demo", "--data-dir", d, "--citizens", "300", "--seed", "4"]) == 0
    capsys.readouterr()
    assert main(["search", "--data-dir", d, "nguyen", "--json", "--limit", "100"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    who = next(r["id_number"] for r in rows if r["id_number"] and r["vneid_stage"] in (1, 2)
               and r["status"] not in ("deceased", "moved_away", "ineligible"))
    day = "2026-11-29"
    assert main(["event", "--data-dir", d, who, "vneid_activated", "--at", f"{day}T20:00"]) == 0
    capsys.readouterr()
    assert main(["close-day", "--data-dir", d, "--date", day, "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    bucket = [r for r in reports if r["point_code"] == COMMUNE_POINT_CODE]
    assert len(bucket) == 1 and bucket[0]["totals"]["vneid_activated"] >= 1
    assert main(["close-day", "--data-dir", d, "--date", day]) == 0
    assert "điểm Không theo điểm" in capsys.readouterr().out
    # the sum of the closed reports is the commune's figure
    db = open_database(Path(d) / "enrollpoint.db")
    try:
        with db.session() as s:
            commune = indicators.count_day(s, dt.date.fromisoformat(day)).totals
    finally:
        db.close()
    for k in INDICATORS:
        assert sum(r["totals"][k] for r in reports) == commune[k], k
