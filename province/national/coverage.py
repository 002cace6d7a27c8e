"""Completeness on the national page, for one day: per province (its communes on time, late, missing, and
its laptops by channel) and per commune in a province's drill-down, from the completeness each province hub
forwarded with its commune-days (roll-up format 2). A province whose hub sends format 1 has none: shown as
such, never as zero. One read of the day's rows (index on province and day), ~3,300 at most."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from province.dashboard.pages import thousands
from province.national.models import NationalCommuneDay
from province.national.rollup import CHANNELS

LABELS = {"network": "mạng", "usb": "tệp USB", "phone": "mã ngày (tạm)"}


@dataclass(slots=True)
class Coverage:
    """Communes and laptops of one province (or one commune) on one day."""

    communes: int = 0
    on_time: int = 0  # communes whose first laptop reported on time
    late: int = 0
    missing: int = 0
    laptops: int = 0
    laptops_on_time: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    laptops_late: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    laptops_missing: int = 0

    def add(self, found: dict[str, Any]) -> None:
        on_time, late = sum(found["on_time"].values()), sum(found["late"].values())
        self.communes += 1
        self.on_time += int(on_time > 0)
        self.late += int(on_time == 0 and late > 0)
        self.missing += int(on_time == 0 and late == 0)
        self.laptops += int(found["expected"])
        for c in CHANNELS:
            self.laptops_on_time[c] += int(found["on_time"].get(c, 0))
            self.laptops_late[c] += int(found["late"].get(c, 0))
        self.laptops_missing += int(found["missing"])


def day_rows(s: Session, provinces: Iterable[str], on: dt.date) -> dict[str, dict[str, dict[str, Any]]]:
    """province → commune → the completeness forwarded for `on` (rows without any are left out)."""
    t = NationalCommuneDay
    out: dict[str, dict[str, dict[str, Any]]] = {}
    wanted = sorted(set(provinces))
    if not wanted:
        return out
    q = select(t.province_code, t.commune_code, t.completeness_json).where(
        t.province_code.in_(wanted), t.day == on, t.completeness_json.is_not(None))
    for prov, commune, found in s.execute(q):
        out.setdefault(prov, {})[commune] = json.loads(found or "{}")
    return out


def by_province(s: Session, provinces: Iterable[str], on: dt.date) -> dict[str, Coverage]:
    out: dict[str, Coverage] = {}
    for prov, per in day_rows(s, provinces, on).items():
        cov = out[prov] = Coverage()
        for found in per.values():
            cov.add(found)
    return out


def _channels(counts: dict[str, int]) -> str:
    return ", ".join(f"{LABELS[c]} {thousands(counts[c])}" for c in CHANNELS if counts.get(c))


def province_cell(cov: Coverage | None, version: int | None) -> Markup:
    """"xã: a đúng hạn, b trễ, c chưa báo cáo / d" and the laptops by channel; words for none."""
    if cov is None:
        if version == 1:
            return Markup("<span class=\"tam\">không có (máy chủ tỉnh gửi định dạng cũ, phiên bản 1)</span>")
        return Markup("chưa có")
    return Markup("{a} đúng hạn, {b} trễ, {c} chưa báo cáo / {d} xã<br><small>máy: {m} — đúng hạn: {on}; "
                  "trễ: {late}; chưa báo cáo: {miss}</small>").format(
        a=thousands(cov.on_time), b=thousands(cov.late), c=thousands(cov.missing), d=thousands(cov.communes),
        m=thousands(cov.laptops), on=_channels(cov.laptops_on_time) or "0", late=_channels(cov.laptops_late) or "0",
        miss=thousands(cov.laptops_missing))


def commune_cell(found: dict[str, Any] | None) -> Markup:
    """One commune's day: "3 máy — đúng hạn: mạng 2; trễ: 0; chưa báo cáo: 1"."""
    if found is None:
        return Markup("")
    on, late = _channels(found["on_time"]) or "0", _channels(found["late"]) or "0"
    return Markup("{e} máy — đúng hạn: {on}; trễ: {late}; chưa báo cáo: {m}").format(
        e=found["expected"], on=on, late=late, m=found["missing"])
