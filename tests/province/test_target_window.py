"""The target pages' outlook from the window and the monthly roll-up (province/dashboard/target_window.py)
equals `projection.outlook` over every day of the commune's history, on seeded random histories stored in a
real hub database (SQLite, and PostgreSQL when EP_TEST_PG_URL is set): communes reporting every working day,
sparsely, ones that stopped months ago, indicators that stay at zero for weeks, days crossing months, and
targets of 0, 1, exactly a month's running total, reached long ago, and never reached."""

from __future__ import annotations

import datetime as dt
import random

from common import projection
from province.dashboard import target_figures, target_window
from province.db import HubDB
from province.intake_rollups import month_of
from province.models import CommuneDay, CommuneMonth
from sync import indicators

DAY0 = dt.date(2025, 1, 1)
ARRIVED = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)


def _history(rng: random.Random, kind: str) -> dict[dt.date, dict[str, int]]:
    days: dict[dt.date, dict[str, int]] = {}
    span = rng.randint(20, 200)
    stop = span if kind != "stopped" else rng.randint(5, 60)
    quiet = rng.choice(indicators.MAIN)  # an indicator that stays at zero from some day on
    quiet_from = rng.randint(0, span)
    for n in range(stop):
        d = DAY0 + dt.timedelta(days=n)
        if kind == "daily" and d.weekday() >= 5 or kind in ("sparse", "stopped") and rng.random() < 0.7:
            continue
        vals = {ind: (0 if rng.random() < 0.3 or (ind == quiet and n >= quiet_from) else rng.randint(1, 40))
                for ind in indicators.MAIN}
        days[d] = vals  # some days hold only zeros: a report with nothing done
    return days


def _store(db: HubDB, histories: dict[str, dict[dt.date, dict[str, int]]]) -> None:
    with db.session() as s:
        months: dict[tuple[str, dt.date], CommuneMonth] = {}
        for code, days in histories.items():
            for d, vals in sorted(days.items()):
                s.add(CommuneDay(day=d, commune_code=code, first_received_at=ARRIVED, last_received_at=ARRIVED,
                                 **vals))
                m = months.get((code, month_of(d)))
                if m is None:
                    m = months[(code, month_of(d))] = CommuneMonth(
                        commune_code=code, month=month_of(d), last_day=d, last_received_at=ARRIVED,
                        **dict.fromkeys(indicators.MAIN, 0))
                    s.add(m)
                m.last_day = d
                for ind, v in vals.items():
                    setattr(m, ind, getattr(m, ind) + v)
        s.commit()


def _targets(rng: random.Random, days: dict[dt.date, dict[str, int]], ind: str, on: dt.date) -> list[int]:
    run, totals = 0, []
    for d in sorted(days):
        if d <= on:
            run += days[d][ind]
            totals.append(run)
    picks = [0, 1, run, run + 1, 10**9, rng.randint(0, max(1, run * 2))]
    if totals:
        picks += [rng.choice(totals), rng.choice(totals) + 1]
    return picks


def test_window_outlook_equals_the_full_history_outlook(hub_db: HubDB) -> None:
    rng = random.Random(20261207)
    kinds = ("daily", "sparse", "stopped")
    histories = {f"{i:05d}": _history(rng, kinds[i % 3]) for i in range(36)}
    _store(hub_db, histories)
    compared = 0
    with hub_db.session() as s:
        for on in [DAY0 + dt.timedelta(days=n) for n in (0, 3, 13, 14, 31, 45, 59, 60, 95, 150, 199, 260)]:
            for codes in (None, sorted(histories)[:7]):
                wants = [(code, ind, t) for code in histories for ind in indicators.MAIN
                         for t in _targets(rng, histories[code], ind, on) if codes is None or code in codes]
                got = target_window.histories(s.connection(), on, codes, wants)
                full = target_figures.daily(s, on, codes)
                for code, ind, t in wants:
                    deadline = on + dt.timedelta(days=rng.randint(-30, 90))
                    per = full.get(code, {})
                    activity = {d for i in indicators.MAIN for d, n in per.get(i, {}).items() if n > 0}
                    want = projection.outlook(per.get(ind, {}), t, deadline, on, activity)
                    h = got.get(code) or target_window.History({}, [], {})
                    assert h.outlook(ind, t, deadline, on) == want, (code, ind, t, on)
                    compared += 1
    assert compared > 10_000


def test_a_commune_reporting_every_working_day_is_not_read_in_full(hub_db: HubDB) -> None:
    every = [DAY0 + dt.timedelta(days=n) for n in range(180)]
    histories = {"00001": {d: dict.fromkeys(indicators.MAIN, 3) for d in every if d.weekday() < 5}}
    _store(hub_db, histories)
    on = DAY0 + dt.timedelta(days=150)
    with hub_db.session() as s:
        got = target_window.histories(s.connection(), on, None, [("00001", indicators.MAIN[0], 50)])
    h = got["00001"]
    assert not h.full and min(d for per in h.days.values() for d in per) >= target_window.window_start(on)
    assert h.outlook(indicators.MAIN[0], 50, None, on).reached == DAY0 + dt.timedelta(days=22)  # the 17th working day: 51 ≥ 50
