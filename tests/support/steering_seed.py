"""A small province on a real hub process for the steering committee's pages: three communes of province 56
(one with two laptops, one heard by a day code only, one with no laptop), ten days of reports with villages,
two target sets with denominators (one reading 56.873/57.543 — 98,83%), a named leader and a leader account,
the rankings published for today. Used by the English-view test and the headless-browser screenshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import httpx

from sync import daycode
from tests.support.hub import Laptop, post
from tests.support.hub_process import HubProcess, hub_cli
from tests.support.scoped_hub import enrol_over_http

VN = dt.timezone(dt.timedelta(hours=7))
BIG, SMALL, NONE = "22366", "22333", "22369"
NAMES = {BIG: "Phường Nha Trang", SMALL: "Phường Bắc Nha Trang", NONE: "Xã Đảo Xa"}
PROVINCE_NAME = "Khánh Hòa"
LEADER = "Đồng chí Nguyễn Văn A"
LAPTOP_NAMES = ("Máy một cửa", "Máy lưu động", "Máy xã Bắc")
SETS = ("Đợt 1 thẻ", "Đợt 2 VNeID")
VILLAGES = ("Thôn Đông", "Thôn Tây")
# words entered as data: they print as entered in either language
DATA_WORDS = (*NAMES.values(), PROVINCE_NAME, LEADER, *LAPTOP_NAMES, *SETS, *VILLAGES)


@dataclass
class Seeded:
    today: dt.date
    laptops: dict[str, Laptop]  # "big1", "big2", "small"


def setup(hub_url: str, tmp_path: Path) -> None:
    """The hub's register, accounts, leader and target sets (before the hub process starts)."""
    today = dt.datetime.now(VN).date()
    hub_cli(hub_url, "init")
    for code, name in NAMES.items():
        hub_cli(hub_url, "commune", "add", code, name, "--province", "56")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    hub_cli(hub_url, "user", "add", "lanh.dao", "--role", "leader", "--communes", f"{BIG},{SMALL}")
    hub_cli(hub_url, "leader", "set", BIG, LEADER)
    sets = tmp_path / "sets.csv"
    later, sooner = (today + dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=10)).isoformat()
    sets.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                    f"{BIG},card_captured,57543,{later},{SETS[0]},57543,eligible\n"
                    f"{SMALL},card_captured,900,{later},{SETS[0]},1000,eligible\n"
                    f"{NONE},card_captured,500,{later},{SETS[0]},600,eligible\n"
                    f"{BIG},vneid_l2_captured,40000,{sooner},{SETS[1]},50000,population\n", encoding="utf-8")
    hub_cli(hub_url, "targets", "import", "--sets", str(sets))


def seed(hub: HubProcess, http: httpx.Client) -> Seeded:
    """Laptops enrolled and reporting over HTTP, a day code typed by the CLI, rankings published."""
    today = dt.datetime.now(VN).date()
    laps = {"big1": enrol_over_http(http, hub, BIG, LAPTOP_NAMES[0]),
            "big2": enrol_over_http(http, hub, BIG, LAPTOP_NAMES[1]),
            "small": enrol_over_http(http, hub, SMALL, LAPTOP_NAMES[2])}
    days = [today - dt.timedelta(days=n) for n in range(9, -1, -1)]
    a, b = laps["big1"], laps["big2"]
    # BIG: 56,873 cards over ten days from two laptops (laptop 1: 5,000 a day, 6,873 today; laptop 2: 1,000 on five days)
    reports = [a.report(d, card_captured=5000 if d != today else 6873, vneid_l2_captured=2100, vneid_activated=1800,
                        villages={VILLAGES[0]: {"card_captured": 3000}, VILLAGES[1]: {"card_captured": 2000}})
               for d in days]
    assert post(http, a, a.batch(*reports)).status_code == 200
    assert post(http, b, b.batch(*[b.report(d, point="P2", card_captured=1000) for d in days[:5]])).status_code == 200
    s = laps["small"]
    assert post(http, s, s.batch(*[s.report(d, card_captured=30) for d in days[:-2]])).status_code == 200
    hub.cli("day-code", daycode.encode(daycode.DayTotals(SMALL, "P1", today, 1, {"card_captured": 25}),
                                       daycode.daycode_key_from_token(s.token)))
    hub.cli("rankings", "publish", "--on", today.isoformat())
    return Seeded(today, laps)
