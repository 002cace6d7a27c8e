"""A hub process seeded with a known day for the steering committee's views: communes reporting by network
before and after the cut-off, by USB bundle, by day code (alone, and then replaced by its signed report),
one commune whose second laptop is silent and one commune silent altogether — with the truth to check the
completeness page, the province table, the commune page and the exports against."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from province.db import open_hub
from province.models import Device
from sync import daycode
from tests.support.hub import Laptop, add_user, enrol_http, login, make_bundle, post
from tests.support.hub_process import HubProcess

VN = dt.timezone(dt.timedelta(hours=7))
ON_TIME_NET, LATE_NET, BY_USB, CODE_THEN_SIGNED, CODE_ONLY, SILENT = "90001", "90002", "90003", "90004", "90006", "90005"
NAMES = {ON_TIME_NET: "Xã Đúng Hạn", LATE_NET: "Xã Trễ Hạn", BY_USB: "Xã Tệp USB",
         CODE_THEN_SIGNED: "Xã Mã Rồi Ký", CODE_ONLY: "Xã Chỉ Mã", SILENT: "Xã Im Lặng"}
LEADER = "Đ/c Nguyễn Văn Lãnh"


@dataclass
class Seeded:
    hub: HubProcess
    client: httpx.Client
    day: dt.date
    laptops: dict[str, list[Laptop]] = field(default_factory=dict)


def sleep_until(when: dt.datetime) -> None:
    for _ in range(40):  # bounded: at most ~4 s
        left = (when - dt.datetime.now(dt.UTC)).total_seconds()
        if left <= 0:
            return
        time.sleep(min(left + 0.02, 0.1))
    raise AssertionError("the clock did not reach the cut-off")


def seed(tmp: Path, db_url: str) -> Seeded:
    """Every arrival goes through the real hub (HTTP, the CLI's bundle import and day-code entry); the
    cut-off is then set between the arrivals before it and those after it, to the second."""
    hub = HubProcess(tmp, db_url=db_url, commune=None)
    hub.cli("init")
    for code, name in NAMES.items():
        hub.cli("commune", "add", code, name, "--province", "56")
    hub.cli("leader", "set", SILENT, LEADER)
    hub.start()
    client = httpx.Client(base_url=hub.url, timeout=30)
    day = dt.datetime.now(VN).date()
    s = Seeded(hub, client, day)
    for code in NAMES:
        count = 2 if code == ON_TIME_NET else 1
        s.laptops[code] = [enrol_http(client, hub.enrol_code(code), f"Máy {code}-{i + 1}") for i in range(count)]
    db = open_hub(db_url)
    try:
        with db.session(write=True) as ses:  # enrolled ten days ago: the silent flag needs time to report
            for dev in ses.query(Device).all():
                dev.enrolled_at = dev.enrolled_at - dt.timedelta(days=10)
        add_user(db, "xem", "viewer")
    finally:
        db.close()
    assert login(client, "xem").status_code == 303
    hub.cli("calendar", "workday", day.isoformat(), "--note", "làm bù (kiểm thử)")

    def send(code: str, on: dt.date = day, revision: int = 1, **figures: int) -> None:
        lap = s.laptops[code][0]
        r = post(client, lap, lap.batch(lap.report(on, revision, **figures)))
        assert r.status_code == 200, r.text

    def phone(code: str, **figures: int) -> None:
        lap = s.laptops[code][0]
        hub.cli("day-code", daycode.encode(daycode.DayTotals(code, "P1", day, 1, figures),
                                           daycode.daycode_key_from_token(lap.token)))

    # Before the cut-off.
    send(SILENT, on=day - dt.timedelta(days=3), card_captured=1)  # heard three days ago, silent since
    send(ON_TIME_NET, card_captured=10, vneid_l2_captured=4)  # its second laptop stays silent
    usb = s.laptops[BY_USB][0]
    bundle = tmp / "usb.epb"
    bundle.write_bytes(make_bundle(usb, [usb.batch(usb.report(day, card_captured=3))]))
    hub.cli("import-bundle", str(bundle))
    phone(CODE_THEN_SIGNED, card_captured=7)
    phone(CODE_ONLY, card_captured=5)
    cutoff = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
    if cutoff.astimezone(VN).date() != day:
        raise AssertionError("the seed crossed midnight (Vietnam time): run again")
    hub.cli("calendar", "cutoff", cutoff.astimezone(VN).strftime("%H:%M:%S"))
    sleep_until(cutoff)
    # After the cut-off.
    send(LATE_NET, card_captured=2)
    send(CODE_THEN_SIGNED, card_captured=9)  # the signed report replaces the code (7), never adds to it
    send(ON_TIME_NET, revision=2, card_captured=11, vneid_l2_captured=4)  # a correction: the day's first arrival stays
    return s
