"""A small province for the committee's papers and the phone page: 12 communes of Khánh Hòa with card targets,
reports sent over the network to a real hub, and the truth computed here independently of the hub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from province import admin
from province.db import HubDB
from tests.support.hub import enrol_http, post

PROVINCE, PROVINCE_NAME = "56", "Khánh Hòa"
# names with stacked marks, đ, ư and both tone placements; one that a spreadsheet would read as a formula
NAMES = ["Xã Ưng Hòa", "Phường Đặc Thuỵ", "Xã Tân Lập", "Phường Nha Trang", "Xã Cam Lâm", "Xã Diên Khánh",
         "Xã Khánh Vĩnh", "Phường Ninh Hòa", "Xã Vạn Ninh", "Xã Trường Sơn <b>&", "=Xã Thử", "Xã Đông Hải"]
CODES = [str(30001 + i) for i in range(len(NAMES))]
TARGET = 10_000


@dataclass
class Truth:
    day: dt.date
    cumul: dict[str, int] = field(default_factory=dict)  # card_captured, cumulative up to `day`
    today: dict[str, int] = field(default_factory=dict)  # communes that reported on `day`
    silent: list[str] = field(default_factory=list)  # codes with no report on `day`
    never: list[str] = field(default_factory=list)
    stalled: list[str] = field(default_factory=list)  # no growth over the last 7 days, not met
    vneid: int = 0  # VNeID level 2 dossiers, every commune (no targets for it)


def seed(db: HubDB, http: object, day: dt.date) -> Truth:
    """Commune i reports 90*(i+1)+7 cards a day for 10 days (the first 1,200: over its target); the eleventh
    never reports; the ninth and tenth stop 3 days before `day`; the eighth reported once, 20 days ago (a stall)."""
    truth = Truth(day)
    with db.session(write=True) as s:
        codes = {}
        for code, name in zip(CODES, NAMES, strict=True):
            admin.add_commune(s, code, name, PROVINCE, PROVINCE_NAME)
            admin.set_target(s, code, "card_captured", TARGET, day + dt.timedelta(days=30))
            codes[code] = admin.create_enrolment_code(s, code)[0]
    for i, code in enumerate(CODES):
        if i == 10:
            truth.never.append(code)
            truth.silent.append(code)
            continue
        lap = enrol_http(http, codes[code], f"Máy {i}")
        if i == 7:
            days = [day - dt.timedelta(days=20)]
        elif i in (8, 9):
            days = [day - dt.timedelta(days=d) for d in range(3, 12)]
        else:
            days = [day - dt.timedelta(days=d) for d in range(0, 10)]
        per_day = 1200 if i == 0 else 90 * (i + 1) + 7
        reports = [lap.report(d, 1, card_captured=per_day, vneid_l2_captured=per_day // 2) for d in days]
        r = post(http, lap, lap.batch(*reports))
        assert r.status_code == 200, r.text
        truth.cumul[code] = per_day * len(days)
        truth.vneid += per_day // 2 * len(days)
        if day in days:
            truth.today[code] = per_day
        else:
            truth.silent.append(code)
        if i == 7:
            truth.stalled.append(code)
    return truth


def vn(v: int) -> str:
    return f"{v:,}".replace(",", ".")
