"""The roll-ups' share of an intake write (province/models/rollups.py), as statements for IntakeWriter: per
changed day of the batch the commune's figures (+ new − old) and latest arrival, per month touched the same
summed over the month with its last day, the laptop's month, and a bump of each changed day's counter (one
bump of the hub-wide counter when no day changed). Each
statement is an upsert on its table's key, one row per key (PostgreSQL refuses an upsert that touches a
row twice), so all of them can run as parts of the one-statement delivery."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from province.models.rollups import COUNTER_SHARDS
from sync.protocol import INDICATORS

Part = tuple[str, tuple[Any, ...]]
_COLS = ", ".join(INDICATORS)
_ADD = ", ".join(f"{i} = {{t}}.{i} + excluded.{i}" for i in INDICATORS)
_DAYS = (f"INSERT INTO commune_days (day, commune_code, first_received_at, last_received_at, {_COLS}) VALUES "
         f"{{rows}} ON CONFLICT (day, commune_code) DO UPDATE SET {_ADD.format(t='commune_days')}, "
         "first_received_at = {least}(commune_days.first_received_at, excluded.first_received_at), "
         "last_received_at = {greatest}(commune_days.last_received_at, excluded.last_received_at)")
_MONTHS = (f"INSERT INTO commune_months (commune_code, month, last_day, last_received_at, {_COLS}) VALUES {{rows}} "
           f"ON CONFLICT (commune_code, month) DO UPDATE SET {_ADD.format(t='commune_months')}, "
           "last_day = {greatest}(commune_months.last_day, excluded.last_day), "
           "last_received_at = {greatest}(commune_months.last_received_at, excluded.last_received_at)")
_DEVICE = ("INSERT INTO device_months (device_id, month, commune_code, last_day, last_received_at) VALUES {rows} "
           "ON CONFLICT (device_id, month) DO UPDATE SET "
           "last_day = {greatest}(device_months.last_day, excluded.last_day), "
           "last_received_at = {greatest}(device_months.last_received_at, excluded.last_received_at)")
_DAY_BUMP = ("INSERT INTO day_counters (day, shard, value) VALUES {rows} "
             "ON CONFLICT (day, shard) DO UPDATE SET value = day_counters.value + 1")
ROWS_PER_STATEMENT = 90  # rows of commune_days per upsert (SQLite before 3.32 takes at most 999 parameters)
BUMP = "UPDATE intake_counters SET value = value + 1 WHERE shard = ?"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def shard(commune: str) -> int:
    """The counter row a commune's deliveries bump (stable across processes, unlike hash())."""
    return zlib.crc32(commune.encode("utf-8")) % COUNTER_SHARDS


def parts(sqlite: bool, device: str, commune: str, received: Any, days: Mapping[dt.date, Sequence[int]],
          as_day: Any) -> list[Part]:
    """The upserts for `days` (changed day → new − old per indicator, in INDICATORS order) and the counter
    bump. `as_day` turns a date into the backend's parameter form; `received` is already in it."""
    out: list[Part] = []
    if days:
        greatest, least = ("MAX", "MIN") if sqlite else ("GREATEST", "LEAST")
        marks = ", ".join("?" for _ in INDICATORS)
        day_rows = [(as_day(d), commune, received, received, *delta) for d, delta in sorted(days.items())]
        for i in range(0, len(day_rows), ROWS_PER_STATEMENT):  # a 500-report backlog: ≤ 999 parameters each
            chunk = day_rows[i:i + ROWS_PER_STATEMENT]
            out.append((_DAYS.format(rows=", ".join(f"(?, ?, ?, ?, {marks})" for _ in chunk), greatest=greatest,
                                     least=least), _flat(chunk)))
        months: dict[dt.date, tuple[dt.date, list[int]]] = {}
        for d, delta in days.items():
            last, sums = months.setdefault(month_of(d), (d, [0] * len(INDICATORS)))
            months[month_of(d)] = (max(last, d), [a + b for a, b in zip(sums, delta, strict=True)])
        month_rows = [(commune, as_day(m), as_day(last), received, *sums) for m, (last, sums) in sorted(months.items())]
        out.append((_MONTHS.format(rows=", ".join(f"(?, ?, ?, ?, {marks})" for _ in month_rows), greatest=greatest),
                    _flat(month_rows)))
        dev_rows = [(device, as_day(m), commune, as_day(last), received) for m, (last, _s) in sorted(months.items())]
        out.append((_DEVICE.format(rows=", ".join("(?, ?, ?, ?, ?)" for _ in dev_rows), greatest=greatest),
                    _flat(dev_rows)))
        bumps = [(as_day(d), shard(commune)) for d in sorted(days)]
        for i in range(0, len(bumps), ROWS_PER_STATEMENT):
            chunk = bumps[i:i + ROWS_PER_STATEMENT]
            out.append((_DAY_BUMP.format(rows=", ".join("(?, ?, 1)" for _ in chunk)), _flat(chunk)))
        return out
    out.append((BUMP, (shard(commune),)))  # nothing of a day changed: the hub-wide counter, as an audit does
    return out


def _flat(rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    return tuple(v for row in rows for v in row)
