"""Day codes carry their totals positionally: the layout of the current format version must be the registry's
indicators (sync/indicators.py), and every older layout stays readable."""

from __future__ import annotations

import datetime as dt

from sync import daycode, indicators


def test_the_current_day_code_layout_is_the_registry() -> None:
    assert daycode.LAYOUTS[daycode.VERSION] == indicators.KEYS, (
        f"the indicators changed: add LAYOUTS[{daycode.VERSION + 1}] = the registry's keys in sync/daycode.py, set "
        "VERSION to it (3 bits: at most 7) and note the rolling-upgrade rule in docs/sync.md")
    assert daycode.VERSION == max(daycode.LAYOUTS) < 8


def test_a_code_round_trips_every_indicator_of_its_layout() -> None:
    key = b"k" * 32
    totals = {k: n for n, k in enumerate(indicators.KEYS, start=3)}
    t = daycode.DayTotals("22736", "P1", dt.date(2025, 8, 4), 2, totals)
    back, _mac, _bits = daycode.decode(daycode.encode(t, key))
    assert back.totals == totals
