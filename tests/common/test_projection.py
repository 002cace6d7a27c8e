"""common.projection: the one rule for pace, projected date, reached date and stall (laptop and hub)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from common import projection as p

D0 = dt.date(2026, 6, 1)  # a Monday
days = st.dictionaries(st.integers(0, 60).map(lambda i: D0 + dt.timedelta(days=i)), st.integers(0, 500), max_size=40)


@given(days, st.integers(1, 20_000), st.integers(0, 60))
def test_the_projected_day_covers_the_rest_at_the_pace_and_no_sooner(daily, target, offset):  # type: ignore[no-untyped-def]
    on = D0 + dt.timedelta(days=offset)
    o = p.outlook(daily, target, None, on)
    if o.reached is not None:
        assert o.projected is None and o.cumulative >= target and o.words()[0].startswith("đạt ngày")
        return
    assert o.cumulative < target
    if o.pace <= 0:
        assert o.projected is None
        return
    assert o.projected is not None and o.projected > on and o.projected.weekday() < 5
    pace = p.run_rate(daily, p.active_days([d for d, v in daily.items() if v > 0], on))
    working = sum(1 for i in range(1, (o.projected - on).days + 1)
                  if (on + dt.timedelta(days=i)).weekday() < 5)
    assert o.cumulative + working * pace >= target - 1e-6  # enough by then
    assert working == 1 or o.cumulative + (working - 1) * pace < target  # not enough a working day earlier


@given(days, st.integers(1, 20_000), st.integers(0, 60))
def test_reached_day_is_the_first_day_the_running_sum_reaches_the_target(daily, target, offset):  # type: ignore[no-untyped-def]
    on = D0 + dt.timedelta(days=offset)
    r = p.reached_on(daily, target, on)
    upto = lambda day: sum(v for d, v in daily.items() if d <= day)  # noqa: E731
    if r is None:
        assert upto(on) < target
    else:
        assert r <= on and upto(r) >= target and upto(r - dt.timedelta(days=1)) < target


@given(days, st.integers(0, 60))
def test_stall_counts_days_since_the_last_progress(daily, offset):  # type: ignore[no-untyped-def]
    on = D0 + dt.timedelta(days=offset)
    n = p.stalled_days(daily, on)
    if n is None:
        assert all(v == 0 for d, v in daily.items() if d <= on)
    else:
        last = on - dt.timedelta(days=n)
        assert daily[last] > 0 and all(v == 0 for d, v in daily.items() if last < d <= on)


@given(st.lists(st.integers(0, 60).map(lambda i: D0 + dt.timedelta(days=i)), max_size=30), st.integers(0, 60))
def test_pace_looks_at_the_last_seven_active_days_only(activity, offset):  # type: ignore[no-untyped-def]
    on = D0 + dt.timedelta(days=offset)
    act = p.active_days(activity, on)
    assert act == sorted(act) and len(act) == min(7, len({d for d in activity if d <= on}))
    assert all(d <= on for d in act)


def test_late_stalled_and_reached_words() -> None:
    daily = {D0: 10, D0 + dt.timedelta(days=1): 10}
    on = D0 + dt.timedelta(days=8)
    late = p.outlook(daily, 100, D0 + dt.timedelta(days=10), on)
    assert late.pace == 10 and late.projected == dt.date(2026, 6, 19)  # 8 working days after Tue 9/6
    assert late.words() == ["dự kiến đạt 19/06/2026", "dự kiến trễ hạn", "không tiến triển 7 ngày"]
    assert p.outlook(daily, 100, dt.date(2026, 7, 1), on).words() == ["dự kiến đạt 19/06/2026",
                                                                       "không tiến triển 7 ngày"]
    assert p.outlook({D0: 5, dt.date(2026, 6, 21): 20}, 20, None, dt.date(2026, 6, 30)).words() == ["đạt ngày 21/6"]


def _naive_add(start: dt.date, n: int, weekdays: frozenset[int]) -> dt.date:
    d, left = start, n
    while left > 0:
        d += dt.timedelta(days=1)
        left -= d.weekday() in weekdays
    return d


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.integers(1, 3000),
       st.frozensets(st.integers(0, 6), min_size=1))
def test_working_days_jump_whole_weeks_as_the_day_by_day_walk(start, n, weekdays):  # type: ignore[no-untyped-def]
    assert p.add_working_days(start, n, weekdays) == _naive_add(start, n, weekdays)


def test_a_hopeless_pace_gives_no_date_and_is_late_not_an_error() -> None:
    o = p.outlook({D0: 1}, 10**8, dt.date(2026, 12, 31), D0 + dt.timedelta(days=1))
    assert o.projected is None and o.late and "dự kiến trễ hạn" in o.words()
    assert p.project(D0, 0, 10**8, 1.0) is None and p.project(D0, 0, 26_000, 1.0) is not None
