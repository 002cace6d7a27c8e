"""common.dates: completed years as the law counts them, 29 February included (a year older on 1 March in
a common year), checked against counting birthdays one by one."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from common.dates import add_years, age_on


def _counted(born: dt.date, on: dt.date) -> int:
    """Birthdays passed up to `on`, counted one at a time (the oracle)."""
    age = 0
    while add_years(born, age + 1) <= on:
        age += 1
    return age


def test_the_29th_of_february() -> None:
    born = dt.date(2008, 2, 29)
    assert add_years(born, 18) == dt.date(2026, 3, 1) and add_years(born, 16) == dt.date(2024, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18
    assert age_on(born, dt.date(2024, 2, 29)) == 16 and age_on(born, dt.date(2024, 2, 28)) == 15


@given(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 120 * 366))
def test_age_is_the_number_of_birthdays_passed(born: dt.date, days: int) -> None:
    on = born + dt.timedelta(days=days)
    assert age_on(born, on) == _counted(born, on)
