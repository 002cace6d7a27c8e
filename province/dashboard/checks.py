"""Checks before anyone reads the numbers ("Cần kiểm tra"): per commune, the reasons its figures look wrong.

Four checks, each from what the hub stores, never changing a total (flags are read beside the figures):
- activated > registered: the commune's cumulative vneid_activated above its vneid_l2_captured, as of `on`
  (commune_totals, less the days after `on` when `on` is in the past);
- a spike: a day of the window whose count of an indicator is above SPIKE_FACTOR × the median of the
  commune's active days (count > 0) in the window and above SPIKE_MIN;
- a lowered figure: a day code read over the phone replaced by its signed report (same laptop, point, day;
  revision ≥ the code's) with a lower count — the day's, hence the cumulative figure shown, went down; and a
  signed revision that lowered an earlier signed revision of the same (laptop, point, day), noted by intake
  in the batch's audit line (province/revisions_lowered.py), when it arrived in the window;
- a report for a day later than its arrival: the day after the Vietnam date of the first arrival of a report
  for it (kept at intake: a later revision does not clear it).

Bounded per request: the window is WINDOW days up to `on`, one row per (commune, day) of the roll-up intake
keeps (commune_days, with the day's earliest arrival); the cumulative check reads the monthly and daily
roll-ups as of `on` (dashboard/asof.py); day codes are few. The result is kept per (day shown, province) and
rebuilt for the communes a new report touched (`stamped.kept_by_commune`).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.dashboard import asof, stamped
from province.dashboard.data import LABELS, MAIN, VN_TZ, _day, _utc, vn_date
from province.intake_rollups import shard
from province.models import Commune, CommuneDay, PhoneReport, ReportVillage
from province.revisions_lowered import lowered_since
from sync.protocol import INDICATORS

WINDOW = 14  # days looked at, up to the day shown
SPIKE_FACTOR = 3
SPIKE_MIN = 20
REG, ACT = "vneid_l2_captured", "vneid_activated"

KINDS = {"activated": "Kích hoạt > đăng ký", "spike": "Ngày tăng đột biến", "lowered": "Số liệu giảm",
         "future": "Báo cáo cho ngày sau ngày nhận"}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    reason: str
    day: dt.date | None = None


@dataclass(slots=True)
class CommuneFlags:
    code: str
    name: str
    flags: list[Flag] = field(default_factory=list)


def _cumulative(s: Session, on: dt.date, codes: set[str], narrow: bool) -> dict[str, dict[str, int]]:
    """commune → {registered, activated} cumulative as of `on` (dashboard/asof.py)."""
    reg, act = INDICATORS.index(REG), INDICATORS.index(ACT)
    found = asof.communes(s.connection(), on, sorted(codes) if narrow else None)
    return {code: {REG: sums[reg], ACT: sums[act]} for code, (sums, _last, _recv) in found.items() if code in codes}


def _window(s: Session, on: dt.date, codes: list[str] | None
            ) -> dict[str, dict[dt.date, tuple[list[int], dt.datetime | None]]]:
    """commune → day → (counts per MAIN indicator, earliest arrival) for the window's days (commune_days)."""
    cd = CommuneDay
    q = (select(cd.commune_code, cd.day, cd.first_received_at, *[getattr(cd, i) for i in MAIN])
         .where(cd.day > on - dt.timedelta(days=WINDOW), cd.day <= on))
    if codes is not None:
        q = q.where(cd.commune_code.in_(codes))
    out: dict[str, dict[dt.date, tuple[list[int], dt.datetime | None]]] = {}
    for code, day, recv, *vals in s.connection().execute(q):
        d = _day(day)
        if d is not None:
            out.setdefault(code, {})[d] = ([int(v or 0) for v in vals], _utc(recv))
    return out


def _spikes(days: dict[dt.date, tuple[list[int], dt.datetime | None]]) -> list[Flag]:
    flags = []
    for i, ind in enumerate(MAIN):
        active = [vals[i] for vals, _r in days.values() if vals[i] > 0]
        if len(active) < 2:
            continue
        med = statistics.median(active)
        for d in sorted(days):
            v = days[d][0][i]
            if v > SPIKE_FACTOR * med and v > SPIKE_MIN:
                flags.append(Flag("spike", f"{LABELS[ind]} ngày {vn_date(d)}: {v} — trên {SPIKE_FACTOR} lần trung vị "
                                  f"{med:g} của các ngày có số liệu", d))
    return flags


def _future(days: dict[dt.date, tuple[list[int], dt.datetime | None]]) -> list[Flag]:
    flags = []
    for d in sorted(days):
        recv = days[d][1]
        if recv is not None and d > recv.astimezone(VN_TZ).date():
            flags.append(Flag("future", f"Báo cáo cho ngày {vn_date(d)} nhận lúc "
                              f"{recv.astimezone(VN_TZ):%H:%M %d/%m/%Y} (trước ngày báo cáo)", d))
    return flags


def _lowered(s: Session, on: dt.date, codes: list[str] | None) -> dict[str, list[Flag]]:
    pr, rv = PhoneReport, ReportVillage
    on_key = ((rv.commune_code == pr.commune_code) & (rv.point_code == pr.point_code) & (rv.day == pr.day)
              & (rv.device_id == pr.device_id))
    q = (select(pr.commune_code, pr.point_code, pr.day, pr.revision, pr.totals_json, rv.revision,
                *(getattr(rv, i) for i in MAIN))
         .select_from(pr).join(rv, on_key).where(pr.day > on - dt.timedelta(days=WINDOW), pr.day <= on))
    if codes is not None:
        q = q.where(pr.commune_code.in_(codes))
    out: dict[str, list[Flag]] = {}
    for code, point, day, rev, totals_json, signed_rev, *signed in s.connection().execute(q):
        if signed_rev < rev:
            continue  # the code still stands in for its report
        phoned = json.loads(totals_json)
        for ind, have in zip(MAIN, signed, strict=True):
            said = int(phoned.get(ind, 0))
            if int(have or 0) < said:
                out.setdefault(code, []).append(Flag(
                    "lowered", f"{LABELS[ind]} ngày {vn_date(_day(day))}, điểm {point}: mã ngày qua điện thoại "
                    f"{said}, báo cáo ký số {int(have or 0)}", _day(day)))
    return out


def _revised_down(s: Session, on: dt.date) -> dict[str, list[Flag]]:
    """Signed revisions that lowered an earlier signed one, arrived in the window's days (Vietnam dates)."""
    start = dt.datetime.combine(on - dt.timedelta(days=WINDOW - 1), dt.time(), VN_TZ).astimezone(dt.UTC)
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), VN_TZ).astimezone(dt.UTC)
    out: dict[str, list[Flag]] = {}
    for x in lowered_since(s, start, end):
        out.setdefault(x.commune_code, []).append(Flag(
            "lowered", f"{LABELS.get(x.indicator, x.indicator)} ngày {vn_date(x.day)}, điểm {x.point}, "
            f"máy {x.device_id[:8]}: báo cáo ký số lần {x.old_revision} là {x.before}, lần {x.new_revision} "
            f"còn {x.after} (cộng dồn giảm)", x.day))
    return out


def checks(s: Session, on: dt.date, province: str | None = None) -> list[CommuneFlags]:
    """Every commune with at least one flag (of one province); kept in the process and rebuilt for the
    communes of the counter shards a new report (of any day: a lowering is flagged by its arrival) moved,
    wholly after an audited change (`stamped.kept_by_commune`)."""
    kept = stamped.kept_by_commune(s, ("checks", on, province), dt.date.max,
                                   lambda shards: _compute(s, on, province, shards), _by_code)
    return list(kept.values())


def _by_code(found: dict[str, CommuneFlags]) -> dict[str, CommuneFlags]:
    return dict(sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0])))


def _compute(s: Session, on: dt.date, province: str | None,
             shards: frozenset[int] | None = None) -> dict[str, CommuneFlags]:
    """Every commune with at least one flag (of one province; of the counter `shards` if given), its flags in
    check order."""
    q = select(Commune.code, Commune.name)
    if province:
        q = q.where(Commune.province_code == province)
    names = {code: name for code, name in s.execute(q) if shards is None or shard(code) in shards}
    codes = set(names)
    narrow = bool(province) or shards is not None
    listed = sorted(codes) if narrow else None
    found: dict[str, list[Flag]] = {}
    for code, cum in _cumulative(s, on, codes, narrow).items():
        if cum[ACT] > cum[REG]:
            found.setdefault(code, []).append(Flag(
                "activated", f"Cộng dồn đến {vn_date(on)}: kích hoạt {cum[ACT]} > đăng ký mức 2 {cum[REG]}"))
    for code, days in _window(s, on, listed).items():
        if code in codes:
            more = _spikes(days) + _future(days)
            if more:
                found.setdefault(code, []).extend(more)
    for code, flags in (*_lowered(s, on, listed).items(), *_revised_down(s, on).items()):
        if code in codes:
            found.setdefault(code, []).extend(flags)
    order = list(KINDS)
    return {c: CommuneFlags(c, names[c], sorted(found[c], key=lambda f: order.index(f.kind)))
            for c in sorted(found, key=lambda c: (len(c), c))}
