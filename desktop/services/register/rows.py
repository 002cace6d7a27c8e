"""Rows read with raw SQL (see `storage.connect.driver_connection`): the citizen row the queue, search and
due lists share, and the one conversion of SQLite's ISO date text back to `date`.

Its own module so that `search` and `due`, which both build these rows, need not import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# The columns of `CitizenRow` in order, over `citizens AS c` (a 15th, the sort key, is optional).
ROW_COLUMNS = (
    "c.id, c.id_number, c.full_name, c.birth_date, c.birth_year, c.sex, c.village, c.phone, c.status, "
    "c.has_card, c.vneid_stage, c.needs_home_visit, c.possible_duplicate_of, c.card_issued_on"
)
N_ROW_COLUMNS = ROW_COLUMNS.count(",") + 1


def as_date(v: object) -> dt.date | None:
    """A stored date as `date`: None or '' → None; a datetime → its date; ISO text → its first 10 characters."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


@dataclass(frozen=True, slots=True)
class CitizenRow:
    """One queue row. Slots: 200,000 of them stay cheap for the garbage collector to walk."""

    id: int
    id_number: str | None
    full_name: str
    birth_date: dt.date | None
    birth_year: int | None
    sex: str | None
    village: str
    phone: str | None
    status: str
    has_card: bool
    vneid_stage: int
    needs_home_visit: bool
    possible_duplicate_of: int | None
    card_issued_on: dt.date | None = None  # extra: the due rules need it
    sort_key: str | None = None  # the listing's sort column (sort_given or sort_family); None in searches


def row_from_tuple(t: tuple[Any, ...]) -> CitizenRow:
    """A `CitizenRow` from the ROW_COLUMNS of one raw result row (plus the sort key when present)."""
    return CitizenRow(
        t[0], t[1], t[2], as_date(t[3]), t[4], t[5], t[6], t[7], t[8], bool(t[9]), int(t[10] or 0),
        bool(t[11]), t[12], as_date(t[13]), t[14] if len(t) > 14 else None,
    )
