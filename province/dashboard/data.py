"""Figures for the province table: the running totals and freshness rows kept by intake give each
commune's cumulative figures and last report, one grouped query gives the chosen day, one reads the targets.

"Not reported" is never turned into zero: a commune without a report for the day has `today = None`, one
that never reported has `cumul = None`, and the page says so in words.

A commune may run several laptops (devices); each sends its own reports and every figure here is the sum
over them (intake keeps `commune_totals` as that sum). `laptops()` gives each laptop's last report from
`device_freshness`, and flags a laptop that has been silent for `SILENT_DAYS` while another laptop of the
commune kept reporting.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from province import intake_rollups
from province.dashboard import asof, stamped
from province.models import (
    Commune,
    CommuneFreshness,
    CommuneTotal,
    Device,
    DeviceFreshness,
    PhoneReport,
    ReportVillage,
    Target,
)
from sync import indicators
from sync.protocol import INDICATORS

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh, no DST
MAIN = indicators.MAIN  # target indicators, in registry order (sync/indicators.py)
CONTEXT = indicators.CONTEXT
LABELS = {i.key: i.vi_heading for i in indicators.REGISTRY}
MET, NOT_YET, MISSED = "met", "not_met", "missed"
MET_LABELS = {MET: "Đạt", NOT_YET: "Chưa đạt", MISSED: "Không đạt"}
SORTS = ("rank", "name", "code", "silent", "province")
SILENT_DAYS = 2  # a laptop with no report for more days than this, while another of its commune reports
_VN_OFFSET = dt.timedelta(hours=7)


def hub_today() -> dt.date:
    return dt.datetime.now(VN_TZ).date()


def local(when: dt.datetime | None) -> str:
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if when else ""


def vn_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass(slots=True, eq=False)
class Laptop:
    """One enrolled device of a commune, as of the day shown."""

    device_id: str
    number: int  # "Máy 1, 2, …" in the order the commune's devices were enrolled
    name: str  # as given at enrolment
    revoked: bool
    enrolled: dt.date  # (Vietnam time)
    last_day: dt.date | None = None  # last day it reported (up to the day shown)
    last_received: dt.datetime | None = None
    silent: bool = False  # no report for SILENT_DAYS while another laptop of the commune reports
    held: str = ""  # held for the admin (province/held.py): why; "" = not held

    @property
    def label(self) -> str:
        return f"Máy {self.number} ({self.name})"

    def text(self) -> str:
        """'Máy 2 (Nguyễn Văn An) chưa gửi từ 20/11' for a silent laptop, else its last day."""
        if self.last_day is None:
            return f"{self.label} chưa gửi báo cáo nào"
        if self.silent:
            return f"{self.label} chưa gửi từ {self.last_day.strftime('%d/%m')}"
        return f"{self.label}: {self.last_day.strftime('%d/%m')}"


@dataclass
class Row:
    code: str
    name: str
    province_code: str
    province_name: str
    today: dict[str, int] | None = None  # None: no report for the day
    cumul: dict[str, int] | None = None  # None: never reported up to the day
    last_day: dt.date | None = None
    last_received: dt.datetime | None = None
    days_silent: int | None = None
    targets: dict[str, tuple[int, dt.date | None]] = field(default_factory=dict)
    pct: dict[str, float | None] = field(default_factory=dict)
    met: dict[str, str | None] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None
    laptops: list[Laptop] = field(default_factory=list)
    provisional: bool = False  # the day's figure holds a day code not yet replaced by its signed report ("tạm")
    provisional_cumul: bool = False  # so does the cumulative figure
    adjusted: bool = False  # a signed report of the day replaced a day code with other figures ("đã điều chỉnh")

    @property
    def silent_laptops(self) -> list[Laptop]:
        return [lap for lap in self.laptops if lap.silent]

    @property
    def machines(self) -> str:
        """'2/3 máy' when some of the commune's live laptops (revoked ones left out) are silent (the
        `silent` flag of laptops()): how many of them still report, out of how many; '' otherwise."""
        live = [lap for lap in self.laptops if not lap.revoked]
        quiet = sum(1 for lap in live if lap.silent)
        return f"{len(live) - quiet}/{len(live)} máy" if quiet else ""

    def status_text(self, on: dt.date) -> str:
        """The words shown instead of figures when there are none."""
        if self.cumul is None:
            return "Chưa từng báo cáo"
        if self.today is None:
            if self.last_day is None:  # heard by day code only: no signed report yet
                return "Chưa có báo cáo ký số"
            return f"Chưa có dữ liệu từ {vn_date(self.last_day)}"
        return ""


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _naive(value: Any) -> dt.datetime:
    """A stored naive-UTC date-time as the driver gives it (text on SQLite)."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo else value


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


Agg = tuple[str, dict[str, int] | None, dt.date | None, dt.datetime | None, dict[str, int] | None]
_IDX = {ind: i for i, ind in enumerate(INDICATORS)}


def aggregates(s: Session, on: dt.date, codes: list[str] | None = None) -> list[Agg]:
    """Per commune: cumulative totals, last day and last arrival up to `on`, and the day's totals.

    Reads the running totals (commune_totals: 5 rows per commune) and freshness (1 row per commune) that
    intake keeps in its transaction, and the day's sums (commune_days: 1 row per commune): a few thousand
    small rows for the whole country, so a new batch shows on the next view. When `on` is in the past for
    some commune (it reported after `on`), every commune is read as of `on` from the monthly and daily
    roll-ups instead (dashboard/asof.py), never from the reports.
    """
    conn = s.connection()  # Core rows: the ORM's row processing was most of the time on 20k rows
    fq = select(CommuneFreshness.commune_code, CommuneFreshness.last_day, CommuneFreshness.last_received_at)
    tq = select(CommuneTotal.commune_code, CommuneTotal.indicator, CommuneTotal.value)
    if codes is not None:  # a province, or the communes a delivery touched (dashboard/stamped.py)
        fq, tq = fq.where(CommuneFreshness.commune_code.in_(codes)), tq.where(CommuneTotal.commune_code.in_(codes))
    fresh: dict[str, list[Any]] = {code: [_day(last), _utc(recv)] for code, last, recv in conn.execute(fq)}
    totals: dict[str, list[int]] = {}
    if any(last > on for last, _r in fresh.values()):  # a past day: everything as of then
        fresh, totals = {}, {}
        for code, (sums, last, recv) in asof.communes(conn, on, codes).items():
            fresh[code], totals[code] = [_day(last), _utc(recv)], sums
    else:
        for code, ind, value in conn.execute(tq):
            if ind in _IDX:
                totals.setdefault(code, [0] * len(INDICATORS))[_IDX[ind]] = int(value)
    out: dict[str, list[Any]] = {}
    for code, (last, recv) in fresh.items():
        if last is None:
            continue
        tot = totals.get(code, [0] * len(INDICATORS))
        out[code] = [code, dict(zip(INDICATORS, tot, strict=True)), last, recv, None]
    for code, vals in asof.day_sums(conn, on, codes).items():
        if code in out:
            out[code][4] = dict(zip(INDICATORS, vals, strict=True))
    return [tuple(v) for v in out.values()]


Fresh = tuple[dt.date | None, dt.datetime | None]


def laptops(s: Session, on: dt.date, codes: list[str] | None = None,
            commune_fresh: dict[str, Fresh] | None = None) -> dict[str, list[Laptop]]:
    """Per commune, its devices with their last report up to `on` (device_freshness; for a day in the past
    the devices that reported after it are recomputed from report_villages) — those enrolled by `on` or
    with a report up to it — and which of them are silent: no report for more than SILENT_DAYS (or none
    since an enrolment older than that) while another laptop of the commune has reported within them.
    Revoked devices are listed but never flagged. `commune_fresh` (the communes' last day and arrival as of
    `on`, when the caller has them) answers the past for a commune whose reports all come from one device,
    so only the communes with several devices are grouped again."""
    conn = s.connection()
    # Raw driver values (text on SQLite, naive datetimes on PostgreSQL), parsed below: the UTC type's
    # per-row processing was a third of the time on ~4,000 devices.
    dq = (select(Device.id, Device.commune_code, Device.name, Device.revoked,
                 type_coerce(Device.enrolled_at, String), Device.held_reason)
          .order_by(Device.commune_code, Device.enrolled_at, Device.id))
    fq = select(DeviceFreshness.device_id, DeviceFreshness.commune_code, DeviceFreshness.last_day,
                type_coerce(DeviceFreshness.last_received_at, String))
    if codes is not None:
        dq, fq = dq.where(Device.commune_code.in_(codes)), fq.where(DeviceFreshness.commune_code.in_(codes))
    out: dict[str, list[Laptop]] = {}
    numbers: dict[str, int] = {}
    for dev, code, name, revoked, enrolled, held in conn.execute(dq).all():
        numbers[code] = numbers.get(code, 0) + 1
        out.setdefault(code, []).append(Laptop(dev, numbers[code], name, bool(revoked),
                                               (_naive(enrolled) + _VN_OFFSET).date(),  # UTC → Vietnam day
                                               held=held or ""))
    fresh: dict[tuple[str, str], Fresh] = {
        (dev, code): (_day(last), _utc(recv)) for dev, code, last, recv in conn.execute(fq).all()}
    late = [key for key, (last, _r) in fresh.items() if last is not None and last > on]
    if late:  # a day in the past: each device's last report as of then (the monthly roll-ups: dashboard/asof.py)
        per_commune: dict[str, int] = {}
        for _dev, code in fresh:
            per_commune[code] = per_commune.get(code, 0) + 1
        regroup = {code for _dev, code in late if commune_fresh is None or per_commune[code] > 1}
        for key in late:
            if commune_fresh is not None and per_commune[key[1]] == 1:
                fresh[key] = commune_fresh.get(key[1], (None, None))
            else:
                fresh[key] = (None, None)
        if regroup:
            for (dev, code), (d, r) in asof.devices(conn, on, sorted(regroup)).items():
                if (dev, code) in fresh and code in regroup:
                    fresh[(dev, code)] = (_day(d), _utc(r))
    none = (None, None)
    for code, laps in out.items():
        for lap in laps:
            lap.last_day, lap.last_received = fresh.get((lap.device_id, code), none)
        if len(laps) == 1:  # most communes: one laptop, never "silent while others report"
            if laps[0].last_day is None and laps[0].enrolled > on:
                laps.clear()
            continue
        laps[:] = [lap for lap in laps if lap.last_day is not None or lap.enrolled <= on]
        active = [lap for lap in laps if not lap.revoked]
        recent = {id(lap) for lap in active
                  if lap.last_day is not None and (on - lap.last_day).days <= SILENT_DAYS}
        if recent and len(active) > 1:  # someone reports: the others that have had time to report are silent
            for lap in active:
                lap.silent = id(lap) not in recent and (on - lap.enrolled).days > SILENT_DAYS
    return out


def province_rows(s: Session, on: dt.date, province: str | None = None, sort: str = "rank") -> list[Row]:
    """Every active commune (of one province if given) with its figures as of `on`, kept in the process
    (dashboard/stamped.py): rebuilt for the communes a report of a day up to `on` touched since the last view
    (their counter shard), wholly after an audited change. Rows are shared between requests and never
    changed once kept (a new rank is a new Row)."""
    rows = stamped.kept_by_commune(s, ("province_rows", on, province), on,
                                   lambda shards: _commune_rows(s, on, province, shards), _ranked)
    return sort_rows(list(rows.values()), sort)


def _commune_rows(s: Session, on: dt.date, province: str | None,
                  shards: frozenset[int] | None = None) -> dict[str, Row]:
    """The rows of the active communes (of `province`; of the counter `shards` if given), unranked."""
    q = select(Commune.code, Commune.name, Commune.province_code, Commune.province_name).where(Commune.active)
    if province:
        q = q.where(Commune.province_code == province)
    conn = s.connection()
    rows = {c: Row(c, n, pc, pn) for c, n, pc, pn in conn.execute(q)
            if shards is None or intake_rollups.shard(c) in shards}
    codes = sorted(rows) if province or shards is not None else None
    if codes == []:
        return rows
    for code, cumul, last_day, last_received, today in aggregates(s, on, codes):
        row = rows.get(code)
        if row is None:
            continue
        row.cumul, row.today = cumul, today
        row.last_day, row.last_received = last_day, last_received
        if last_day:
            row.days_silent = (on - last_day).days
    tq = select(Target.commune_code, Target.indicator, Target.value, Target.deadline)
    for code, ind, value, deadline in conn.execute(tq if codes is None else tq.where(Target.commune_code.in_(codes))):
        if code in rows:
            rows[code].targets[ind] = (int(value), _day(deadline))
    for code, prov in provisional(s, on, codes).items():
        if code in rows:
            prov.apply(rows[code])
    as_of = {code: (row.last_day, row.last_received) for code, row in rows.items()}
    for code, laps in laptops(s, on, codes, commune_fresh=as_of).items():
        if code in rows:
            rows[code].laptops = laps
    for row in rows.values():
        _score(row, on)
    return rows


def _score(row: Row, on: dt.date) -> None:
    """The row's % and result per target, and its score (the mean % over its targets) for the ranking."""
    scores: list[float] = []
    for ind in MAIN:
        target = row.targets.get(ind)
        if target is None:
            continue
        value, deadline = target
        if row.cumul is None:
            # No data meets nothing: never reported is not met (missed once the deadline has passed).
            row.pct[ind] = None
            row.met[ind] = MISSED if deadline and on > deadline else NOT_YET
            continue
        have = row.cumul[ind]
        pct = row.pct[ind] = 100.0 * have / value if value else 100.0
        if have >= value:
            row.met[ind] = MET
        else:
            row.met[ind] = MISSED if deadline and on > deadline else NOT_YET
        scores.append(pct)
    row.score = sum(scores) / len(scores) if scores else None


def _ranked(rows: dict[str, Row]) -> dict[str, Row]:
    """The rows with their rank by score (ties by code); a row whose rank changes is a copy, so a kept row
    another request may be reading is never changed."""
    out = dict(rows)
    ranked = sorted((r for r in rows.values() if r.score is not None), key=lambda r: (-(r.score or 0), r.code))
    for i, r in enumerate(ranked, 1):
        if r.rank != i:
            out[r.code] = replace(r, rank=i)
    return out


@dataclass
class Provisional:
    """A commune's day codes as of a day: what they add to (or, over an older signed report, change in) the
    day's and the cumulative figures, and whether a signed report replaced a code with other figures."""

    today: list[int] | None = None
    cumul: list[int] | None = None
    adjusted: bool = False

    def apply(self, row: Row) -> None:
        if self.today is not None:
            base = row.today or dict.fromkeys(INDICATORS, 0)
            row.today = {ind: base[ind] + d for ind, d in zip(INDICATORS, self.today, strict=True)}
            row.provisional = True
        if self.cumul is not None:
            base = row.cumul or dict.fromkeys(INDICATORS, 0)
            row.cumul = {ind: base[ind] + d for ind, d in zip(INDICATORS, self.cumul, strict=True)}
            row.provisional_cumul = True
        row.adjusted = self.adjusted


def provisional(s: Session, on: dt.date, codes: list[str] | None = None) -> dict[str, Provisional]:
    """Per commune, its day codes up to `on` against the signed reports of the same (point, day, laptop).

    A laptop's figure for a point and day is its signed report, else its latest day code: a code is counted
    until a signed report of its revision or later arrives (offline.PhoneRow.superseded), and then replaced,
    never added to — a code newer than the signed report stands in for it (its figures less the signed
    ones). Day codes are few (communes without a link, between the call and the file), so this reads them
    all up to `on` with their signed report beside them."""
    pr, rv = PhoneReport, ReportVillage
    on_key = ((rv.commune_code == pr.commune_code) & (rv.point_code == pr.point_code) & (rv.day == pr.day)
              & (rv.device_id == pr.device_id))
    q = (select(pr.commune_code, pr.day, pr.revision, pr.totals_json, rv.revision,
                *(getattr(rv, ind) for ind in INDICATORS))
         .select_from(pr).outerjoin(rv, on_key).where(pr.day <= on))
    if codes is not None:
        q = q.where(pr.commune_code.in_(codes))
    out: dict[str, Provisional] = {}
    for code, day, rev, totals_json, signed_rev, *signed in s.connection().execute(q):
        code_totals = json.loads(totals_json)
        phoned = [int(code_totals.get(ind, 0)) for ind in INDICATORS]
        have = [int(v or 0) for v in signed]
        p = out.setdefault(code, Provisional())
        if signed_rev is not None and signed_rev >= rev:
            if _day(day) == on and phoned != have:
                p.adjusted = True
            continue
        delta = [a - b for a, b in zip(phoned, have, strict=True)]
        p.cumul = [a + b for a, b in zip(p.cumul or [0] * len(INDICATORS), delta, strict=True)]
        if _day(day) == on:
            p.today = [a + b for a, b in zip(p.today or [0] * len(INDICATORS), delta, strict=True)]
    return out


def meets_all(row: Row) -> bool:
    """Every target of the commune met, from figures it reported; no target or no data meets nothing."""
    targeted = [ind for ind in MAIN if ind in row.targets]
    return bool(targeted) and row.cumul is not None and all(row.met.get(ind) == MET for ind in targeted)


@lru_cache(maxsize=16384)
def sort_key(name: str) -> str:
    """Vietnamese alphabetical order (a ă â … đ …), cached: the same 3,321 names on every page view."""
    from common.vietnamese import sort_key as vn_key

    return vn_key(name)


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    big = 10**9
    if sort == "name":
        return sorted(rows, key=lambda r: sort_key(r.name))
    if sort == "code":
        return sorted(rows, key=lambda r: (len(r.code), r.code))
    if sort == "silent":  # longest silence first; never reported at the very top
        return sorted(rows, key=lambda r: (-(r.days_silent if r.days_silent is not None else big), r.code))
    if sort == "province":
        return sorted(rows, key=lambda r: (sort_key(r.province_name), sort_key(r.name)))
    return sorted(rows, key=lambda r: (r.rank if r.rank is not None else big, sort_key(r.name)))


def commune_days(s: Session, code: str, limit: int = 2000) -> list[ReportVillage]:
    """The commune's reports, newest day first, one per (point, day, device)."""
    q = (select(ReportVillage).where(ReportVillage.commune_code == code)
         .order_by(ReportVillage.day.desc(), ReportVillage.point_code, ReportVillage.device_id).limit(limit))
    return list(s.scalars(q))


def commune_codes(s: Session, code: str, since: dt.date | None = None) -> list[Any]:
    """The commune's day codes (from `since`), as offline.PhoneRow (the signed revision is not needed here:
    the commune page sets each code beside the report it has)."""
    from province.offline import PhoneRow

    q = select(PhoneReport).where(PhoneReport.commune_code == code)
    if since is not None:
        q = q.where(PhoneReport.day >= since)
    return [PhoneRow(r.commune_code, r.point_code, r.day, r.device_id, r.revision, json.loads(r.totals_json),
                     r.received_at, None) for r in s.scalars(q.limit(5000))]

