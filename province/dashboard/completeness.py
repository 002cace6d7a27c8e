"""Completeness and timeliness of a day's reports, by channel, for the steering committee.

Expected: on a working day (province/workdays.py), every active commune with at least one live laptop
(not revoked, enrolled by that day), and each such laptop; a zero report is a report. A laptop's day is
received at the first arrival of its report by any channel — a network batch, a USB bundle (its import
time) or a day code typed in (provisional until the signed report arrives) — on time before the day's
cut-off, late after it, missing otherwise; a commune's day by the first of its live laptops, with "2/3 máy"
when some of them have not reported it. Everything is read from `arrivals` (one row per device, day and
channel, written at intake): one indexed read of the day, plus, for the communes that are missing, a few
index probes to name when, by which channel and from which laptop they were last heard. Never a scan of the
reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from province import workdays
from province.models import Arrival, Commune, Device
from province.models.steering import CHANNELS, PHONE

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
CHANNEL_LABELS = {"network": "Qua mạng", "usb": "Tệp USB", PHONE: "Mã ngày qua điện thoại (tạm)"}
CHANNEL_SHORT = {"network": "mạng", "usb": "tệp USB", PHONE: "mã ngày"}
STATUS_LABELS = {ON_TIME: "Đúng hạn", LATE: "Trễ hạn", MISSING: "Chưa báo cáo"}
_IN_CHUNK = 900  # communes per IN list (SQLite's bound-parameter limit is far above)


def _utc(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(slots=True)
class LaptopDay:
    """One live laptop on the day: its first arrival, by which channel, and its status."""

    device_id: str
    label: str  # "Máy 2 (name)", numbered as on the province table
    first_at: dt.datetime | None = None
    channel: str = ""
    status: str = MISSING
    channels: set[str] = field(default_factory=set)


@dataclass(slots=True)
class CommuneDay:
    code: str
    name: str
    province_name: str
    laptops: list[LaptopDay] = field(default_factory=list)
    status: str = MISSING
    channel: str = ""  # of the commune's first arrival
    first_at: dt.datetime | None = None
    provisional: bool = False  # heard only by day code so far: figures "tạm" until a signed report arrives
    leader: str = ""
    last_day: dt.date | None = None  # missing communes: when last heard (any channel), up to the day
    last_channel: str = ""
    last_laptop: str = ""

    @property
    def heard(self) -> int:
        return sum(1 for lap in self.laptops if lap.status != MISSING)

    @property
    def machines(self) -> str:
        """'2/3 máy' when some live laptops have not reported the day; '' when all have (or it has one)."""
        n = len(self.laptops)
        return f"{self.heard}/{n} máy" if n > 1 and self.heard < n else ""

    def days_silent(self, on: dt.date) -> int | None:
        return (on - self.last_day).days if self.last_day is not None else None


@dataclass
class Tally:
    """Expected, and per channel of the first arrival: on time and late; missing; provisional."""

    expected: int = 0
    on_time: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    late: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    missing: int = 0
    provisional: int = 0  # of the received: by day code only, no signed report yet

    def add(self, status: str, channel: str, provisional: bool) -> None:
        self.expected += 1
        if status == MISSING:
            self.missing += 1
            return
        (self.on_time if status == ON_TIME else self.late)[channel] += 1
        self.provisional += provisional

    @property
    def total_on_time(self) -> int:
        return sum(self.on_time.values())

    @property
    def total_late(self) -> int:
        return sum(self.late.values())


@dataclass
class Completeness:
    day: dt.date
    working: bool
    cutoff: str  # "16:30"
    deadline: dt.datetime
    before_cutoff: bool  # the day's cut-off has not passed yet: the missing may still report on time
    communes: list[CommuneDay]
    by_commune: Tally
    by_laptop: Tally

    @property
    def missing(self) -> list[CommuneDay]:
        """The "Chưa báo cáo" list: longest silence first, never heard at the very top."""
        rows = [c for c in self.communes if c.status == MISSING]
        return sorted(rows, key=lambda c: (-(c.days_silent(self.day) or 10**9), c.code))


def completeness(s: Session, on: dt.date, province: str | None = None,
                 now: dt.datetime | None = None) -> Completeness:
    """The day's expected, on-time, late and missing communes and laptops, per channel, and the missing list."""
    rules = workdays.load(s, on, on)
    deadline = rules.deadline(on)
    now = now or dt.datetime.now(dt.UTC)
    conn = s.connection()
    q = select(Commune.code, Commune.name, Commune.province_name).where(Commune.active)
    if province:
        q = q.where(Commune.province_code == province)
    communes = {code: CommuneDay(code, name, pname) for code, name, pname in conn.execute(q)}
    labels, live = _devices(conn, on, communes)
    result = Completeness(on, rules.working(on), rules.cutoff_text(), deadline, now < deadline, [], Tally(), Tally())
    if not result.working:
        return result
    expected = {code: c for code, c in communes.items() if c.laptops}
    for dev, channel, first in conn.execute(select(Arrival.device_id, Arrival.channel,
                                                   type_coerce(Arrival.first_at, String)).where(Arrival.day == on)):
        lap = live.get(dev)
        if lap is None:
            continue  # a retired laptop, or one of a commune not shown
        at = _utc(first)
        lap.channels.add(channel)
        if lap.first_at is None or at < lap.first_at:
            lap.first_at, lap.channel = at, channel
    for c in expected.values():
        for lap in c.laptops:
            if lap.first_at is not None:
                lap.status = ON_TIME if lap.first_at < deadline else LATE
                if c.first_at is None or lap.first_at < c.first_at:
                    c.first_at, c.channel, c.status = lap.first_at, lap.channel, lap.status
            result.by_laptop.add(lap.status, lap.channel, lap.channels == {PHONE})
        heard = set().union(*(lap.channels for lap in c.laptops))
        c.provisional = heard == {PHONE}
        result.by_commune.add(c.status, c.channel, c.provisional)
    result.communes = list(expected.values())
    missing = [c for c in result.communes if c.status == MISSING]
    if missing:
        leaders = workdays.leaders(s)
        for c in missing:
            c.leader = leaders.get(c.code, "")
        _last_heard(conn, on, {c.code: c for c in missing}, labels)
    return result


def _devices(conn: Any, on: dt.date, communes: dict[str, CommuneDay]
             ) -> tuple[dict[str, str], dict[str, LaptopDay]]:
    """Every device's label ("Máy n (name)", numbered per commune in enrolment order, as on the province
    table) and the live laptops of the shown communes (not revoked, enrolled by `on`), put on their commune."""
    labels: dict[str, str] = {}
    live: dict[str, LaptopDay] = {}
    numbers: dict[str, int] = {}
    # Enrolled by `on` (Vietnam time) = before the next day's midnight there, compared in the database.
    next_midnight = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), workdays.VN_TZ)
    enrolled_by = Device.enrolled_at < next_midnight
    q = (select(Device.id, Device.commune_code, Device.name, Device.revoked, enrolled_by)
         .order_by(Device.commune_code, Device.enrolled_at, Device.id))
    for dev, code, name, revoked, enrolled in conn.execute(q):
        numbers[code] = numbers.get(code, 0) + 1
        labels[dev] = f"Máy {numbers[code]} ({name})"
        c = communes.get(code)
        if c is None or revoked or not enrolled:
            continue
        lap = live[dev] = LaptopDay(dev, labels[dev])
        c.laptops.append(lap)
    return labels, live


def _last_heard(conn: Any, on: dt.date, missing: dict[str, CommuneDay], labels: dict[str, str]) -> None:
    """For each missing commune, its last arrival before `on` (any laptop, any channel): its last day by one
    probe of the (commune, day) index per commune (MAX in a correlated subquery: an index seek backwards on
    both stores, whatever the history's length), then the arrivals of those days read to name the channel
    and the laptop — mostly one day (yesterday)."""
    codes = sorted(missing)
    last: dict[str, dt.date] = {}
    for i in range(0, len(codes), _IN_CHUNK):
        latest = (select(func.max(Arrival.day)).where(Arrival.commune_code == Commune.code, Arrival.day < on)
                  .scalar_subquery())
        q = select(Commune.code, latest).where(Commune.code.in_(codes[i:i + _IN_CHUNK]))
        last.update((code, _day(day)) for code, day in conn.execute(q) if day is not None)
    by_day: dict[dt.date, list[str]] = {}
    for code, day in last.items():
        by_day.setdefault(day, []).append(code)
    best: dict[str, tuple[dt.datetime, str, str]] = {}
    for day, same in by_day.items():
        for i in range(0, len(same), _IN_CHUNK):
            rows = (select(Arrival.commune_code, type_coerce(Arrival.first_at, String), Arrival.channel,
                           Arrival.device_id).where(Arrival.day == day, Arrival.commune_code.in_(same[i:i + _IN_CHUNK])))
            for code, first, channel, dev in conn.execute(rows):
                cand = (_utc(first), channel, dev)
                if code not in best or cand[0] > best[code][0]:
                    best[code] = cand
    for code, (_at, channel, dev) in best.items():
        c = missing[code]
        c.last_day, c.last_channel, c.last_laptop = last[code], channel, labels.get(dev, dev)
