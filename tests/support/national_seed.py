"""A province hub process seeded with one known day for the national completeness test: five real communes
of Khánh Hòa (the national hub checks communes against the official register) reporting by network before
and after the cut-off, by USB bundle, by a phone day code, one with a silent second laptop and one silent
altogether — every arrival through the real hub (HTTP, the CLI's bundle import and day-code entry) — and
the truth per commune: (expected laptops, on time by channel, late by channel, missing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from province.db import open_hub
from province.models import Device
from sync import daycode
from tests.support.hub import Laptop, enrol_http, make_bundle, post
from tests.support.hub_process import HubProcess
from tests.support.steering import sleep_until

VN = dt.timezone(dt.timedelta(hours=7))
PROVINCE = "56"
ON_TIME_NET, LATE_NET, BY_USB, CODE_ONLY, SILENT = "22366", "22333", "22390", "22402", "22408"
NAMES = {ON_TIME_NET: "Phường Nha Trang", LATE_NET: "Phường Bắc Nha Trang", BY_USB: "Phường Tây Nha Trang",
         CODE_ONLY: "Phường Nam Nha Trang", SILENT: "Phường Bắc Cam Ranh"}
_Z = {"network": 0, "usb": 0, "phone": 0}
# commune → the completeness its province hub must forward for the day
TRUTH = {
    ON_TIME_NET: {"expected": 2, "on_time": {**_Z, "network": 1}, "late": _Z, "missing": 1},
    LATE_NET: {"expected": 1, "on_time": _Z, "late": {**_Z, "network": 1}, "missing": 0},
    BY_USB: {"expected": 1, "on_time": {**_Z, "usb": 1}, "late": _Z, "missing": 0},
    CODE_ONLY: {"expected": 1, "on_time": {**_Z, "phone": 1}, "late": _Z, "missing": 0},
    SILENT: {"expected": 1, "on_time": _Z, "late": _Z, "missing": 1},
}
FIGURES = {ON_TIME_NET: 10, LATE_NET: 2, BY_USB: 3, CODE_ONLY: 5}  # card_captured; CODE_ONLY's provisional


@dataclass
class Seeded:
    hub: HubProcess
    day: dt.date
    laptops: dict[str, list[Laptop]] = field(default_factory=dict)



def seed(tmp: Path) -> Seeded:
    """The hub is started and left running (the caller stops it); the cut-off is set, to the second,
    between the arrivals before it and the one after it; today (Vietnam) is made a working day."""
    hub = HubProcess(tmp, commune=None)
    hub.cli("init")
    for code, name in NAMES.items():
        hub.cli("commune", "add", code, name, "--province", PROVINCE)
    hub.start()
    client = httpx.Client(base_url=hub.url, timeout=30)
    day = dt.datetime.now(VN).date()
    s = Seeded(hub, day)
    for code in NAMES:
        count = 2 if code == ON_TIME_NET else 1
        s.laptops[code] = [enrol_http(client, hub.enrol_code(code), f"Máy {code}-{i + 1}") for i in range(count)]
    db = open_hub(hub.url_db)
    try:
        with db.session(write=True) as ses:  # enrolled ten days ago: expected on the day
            for dev in ses.query(Device).all():
                dev.enrolled_at = dev.enrolled_at - dt.timedelta(days=10)
    finally:
        db.close()
    hub.cli("calendar", "workday", day.isoformat(), "--note", "làm bù (kiểm thử)")

    def send(code: str, **figures: int) -> None:
        lap = s.laptops[code][0]
        r = post(client, lap, lap.batch(lap.report(day, 1, **figures)))
        assert r.status_code == 200, r.text

    send(ON_TIME_NET, card_captured=FIGURES[ON_TIME_NET])  # its second laptop stays silent
    usb = s.laptops[BY_USB][0]
    bundle = tmp / "usb.epb"
    bundle.write_bytes(make_bundle(usb, [usb.batch(usb.report(day, card_captured=FIGURES[BY_USB]))]))
    hub.cli("import-bundle", str(bundle))
    lap = s.laptops[CODE_ONLY][0]
    hub.cli("day-code", daycode.encode(daycode.DayTotals(CODE_ONLY, "P1", day, 1, {"card_captured": FIGURES[CODE_ONLY]}),
                                       daycode.daycode_key_from_token(lap.token)))
    cutoff = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
    if cutoff.astimezone(VN).date() != day:
        raise AssertionError("the seed crossed midnight (Vietnam time): run again")
    hub.cli("calendar", "cutoff", cutoff.astimezone(VN).strftime("%H:%M:%S"))
    sleep_until(cutoff)
    send(LATE_NET, card_captured=FIGURES[LATE_NET])
    client.close()
    return s
