"""Ages and anniversaries, as the law counts them: a person born on 29 February turns a year older on
1 March in a common year (the same day SQLite's date(…, '+N years') gives)."""

from __future__ import annotations

import datetime as dt


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def age_on(born: dt.date, on: dt.date) -> int:
    """Completed years of age on `on`."""
    years = on.year - born.year
    return years - 1 if add_years(born, years) > on else years
