"""The steering committee's brief: what the meeting papers, the phone page and the Zalo/SMS text say, taken
from the very rows the province table shows (`data.province_rows`), so a printed figure is the screen's.

Totals per main indicator ("56.873/57.543 — 98,83%", summed over the communes with a target), communes that
meet every target and those that do not, the furthest behind (lowest score, as the table ranks), the communes
with no report for the day, and — given the rows of an earlier day — the growth over the period, a 7-day run
rate, the projected date to target and the communes with no progress (a stall). Pure: no database, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from province.dashboard.data import LABELS, MAIN, Row, meets_all, vn_date

SHORT_LIMIT = 1000  # characters of the Zalo / SMS text


def vn_int(v: int) -> str:
    """56873 → '56.873' (Vietnamese thousands separator)."""
    return f"{v:,}".replace(",", ".")


def vn_pct(p: float) -> str:
    """98.8347 → '98,83%' (two decimals, decimal comma)."""
    return f"{p:.2f}%".replace(".", ",")


def fraction(have: int, target: int) -> str:
    """'56.873/57.543 — 98,83%'; without a target only the count."""
    if not target:
        return vn_int(have)
    return f"{vn_int(have)}/{vn_int(target)} — {vn_pct(100.0 * have / target)}"


@dataclass(frozen=True)
class Total:
    indicator: str
    have: int  # cumulative, over the communes with a target for it (all communes when none has one)
    target: int
    today: int  # the day's figure, over every commune that reported

    @property
    def label(self) -> str:
        return LABELS[self.indicator]

    @property
    def text(self) -> str:
        return fraction(self.have, self.target)


@dataclass(frozen=True)
class Behind:
    """One commune low in the ranking, with the figures of its first main indicator that has a target."""

    rank: int | None
    code: str
    name: str
    figures: str  # "1.200/5.000 — 24,00%" per indicator, joined with "; "
    silent: str  # "" or why no figures for the day
    projection: str = ""  # "dự kiến đạt 12/01/2027" / "dự kiến trễ hạn …" / "không tiến triển 7 ngày"
    short: str = ""  # the first targeted indicator's "x/y — z%" (the Zalo text)


@dataclass
class Brief:
    on: dt.date
    communes: int
    reported: int
    totals: list[Total]
    met: int
    not_met: int
    behind: list[Behind]
    silent: list[tuple[str, str, str]]  # (code, name, words) of communes with no report for the day
    since: dt.date | None = None  # start of the period (weekly, 15-day), else None
    growth: dict[str, int] = field(default_factory=dict)  # per indicator, over the period
    stalled: list[tuple[str, str]] = field(default_factory=list)  # (code, name): no progress over the period


def _figures(r: Row) -> str:
    parts = []
    for ind in MAIN:
        tgt = r.targets.get(ind)
        if tgt is None:
            continue
        have = r.cumul[ind] if r.cumul is not None else 0
        parts.append(f"{LABELS[ind]} {fraction(have, tgt[0])}")
    return "; ".join(parts)


def _short(r: Row) -> str:
    for ind in MAIN:
        tgt = r.targets.get(ind)
        if tgt is not None:
            return fraction(r.cumul[ind] if r.cumul is not None else 0, tgt[0])
    return ""


def _silent_words(r: Row) -> str:
    if r.cumul is None:
        return "chưa từng báo cáo"
    if r.today is None:
        return f"không báo cáo {r.days_silent} ngày (gần nhất {vn_date(r.last_day)})"
    return ""


def projection(r: Row, before: Row | None, days: int) -> str:
    """From the growth over `days`: when the commune reaches its first unmet target, or that it does not move."""
    if before is None or r.cumul is None or days <= 0:
        return ""
    for ind in MAIN:
        tgt = r.targets.get(ind)
        if tgt is None or r.cumul[ind] >= tgt[0]:
            continue
        gained = r.cumul[ind] - (before.cumul[ind] if before.cumul is not None else 0)
        if gained <= 0:
            return f"không tiến triển {days} ngày"
        rate = gained / days
        when = r.last_day or dt.date.today()
        eta = when + dt.timedelta(days=math.ceil((tgt[0] - r.cumul[ind]) / rate))
        late = tgt[1] is not None and eta > tgt[1]
        return f"{'dự kiến trễ hạn: đạt' if late else 'dự kiến đạt'} {vn_date(eta)} ({vn_int(round(rate))}/ngày)"
    return ""


def build(rows: list[Row], on: dt.date, before: list[Row] | None = None, since: dt.date | None = None,
          bottom: int = 10) -> Brief:
    """The brief of `rows` (province_rows for `on`); `before` = the rows of `since` for a period report."""
    totals = []
    for ind in MAIN:
        target = sum(r.targets[ind][0] for r in rows if ind in r.targets)
        # with targets: the communes that have one (a fraction of like with like); without: every commune
        have = sum(r.cumul[ind] for r in rows if r.cumul is not None and (ind in r.targets or not target))
        today = sum(r.today[ind] for r in rows if r.today is not None)
        totals.append(Total(ind, have, target, today))
    targeted = [r for r in rows if any(ind in r.targets for ind in MAIN)]
    met = sum(1 for r in targeted if meets_all(r))
    ranked = sorted(targeted, key=lambda r: (r.score if r.score is not None else -1.0, r.code))
    prior = {r.code: r for r in before or []}
    days = (on - since).days if since else 0
    behind = [Behind(r.rank, r.code, r.name, _figures(r), _silent_words(r),
                     projection(r, prior.get(r.code), days), _short(r)) for r in ranked[:bottom]]
    silent = [(r.code, r.name, _silent_words(r)) for r in sorted(rows, key=_silence_order) if r.today is None]
    out = Brief(on, len(rows), sum(1 for r in rows if r.today is not None), totals, met, len(targeted) - met,
                behind, silent, since)
    if before is not None:
        for ind in MAIN:
            then = sum(r.cumul[ind] for r in before if r.cumul is not None)
            now = sum(r.cumul[ind] for r in rows if r.cumul is not None)
            out.growth[ind] = now - then
        out.stalled = [(r.code, r.name) for r in targeted if not meets_all(r) and r.cumul is not None
                       and _gain(r, prior.get(r.code)) == 0]
    return out


def _gain(r: Row, before: Row | None) -> int:
    now = sum(r.cumul[ind] for ind in MAIN) if r.cumul is not None else 0
    then = sum(before.cumul[ind] for ind in MAIN) if before is not None and before.cumul is not None else 0
    return now - then


def _silence_order(r: Row) -> tuple[int, str]:
    return (-(r.days_silent if r.days_silent is not None else 10**9), r.code)


def short_text(b: Brief, cutoff: str = "16 giờ 30", limit: int = SHORT_LIMIT) -> str:
    """The text to paste into Zalo or an SMS, at most `limit` characters: totals, met / not met, the 5
    furthest behind, the communes with no report (cut with "…và N xã khác" when too long)."""
    head = [f"Tiến độ Đề án 06 tính đến {cutoff} ngày {vn_date(b.on)}:"]
    head += [f"- {t.label}: {t.text}" for t in b.totals]
    head.append(f"- Đạt mọi chỉ tiêu: {vn_int(b.met)} xã; chưa đạt: {vn_int(b.not_met)} xã")
    head.append(f"- Đã báo cáo: {vn_int(b.reported)}/{vn_int(b.communes)} xã")
    low = "Thấp nhất: " + "; ".join(f"{x.name}: {x.short}" if x.short else x.name for x in b.behind[:5])
    text = "\n".join([*head, low])
    if not b.silent:
        return _cut(text + "\nChưa báo cáo: không", limit)
    names = [name for _c, name, _w in b.silent]
    for shown in range(len(names), -1, -1):
        rest = len(names) - shown
        line = f"\nChưa báo cáo ({vn_int(len(names))}): " + ", ".join(names[:shown])
        if rest:
            line += f"{', ' if shown else ''}…và {vn_int(rest)} xã khác"
        if len(text) + len(line) <= limit:
            return text + line
    return _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
