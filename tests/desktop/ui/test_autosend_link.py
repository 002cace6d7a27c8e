"""The app's auto-sender on the one link policy, with a REAL hub process on 127.0.0.1 (offscreen): while the
hub is down it only probes, and says "Đang chờ mạng (thử lại sau … giây)"; any network change except
Disconnected (an injected QNetworkInformation signal: CI has no backend) probes at once, so a returning
link is used in seconds instead of at the next 15–30 s probe."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, outbox
from desktop.ui.support.autosend import AutoSender
from tests.support.hub_process import COMMUNE, HubProcess, hub_cli
from tests.support.qt import wait_idle

D0 = dt.date(2025, 8, 1)


@pytest.fixture
def hub(tmp_path) -> Iterator[HubProcess]:
    h = HubProcess(tmp_path)
    yield h
    h.stop()


def _laptop(db, days: int) -> None:
    with db.session() as s:
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        for i in range(days):
            dayclose.close_day(s, D0 + dt.timedelta(days=i), now=dt.datetime(2025, 8, 20, tzinfo=dt.UTC))


class FakeNetwork(QObject):
    """Stands in for QNetworkInformation's signal (no backend offscreen)."""

    reachabilityChanged = Signal(object)  # noqa: N815


def test_network_change_probes_at_once_except_disconnected(qtbot, db, app_for, hub: HubProcess) -> None:
    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    hub_link.connect(db, hub.url, code, "máy 1")
    hub.stop()
    _laptop(db, 3)
    app = app_for(db)
    sender = AutoSender(app, first_ms=50, idle_ms=60_000, probe_ms=(60_000, 60_000), watch_network=False)
    net = FakeNetwork()
    net.reachabilityChanged.connect(sender._on_reachability)
    statuses: list[str] = []
    sender.status.connect(statuses.append)

    qtbot.waitUntil(lambda: sender.failures == 1, timeout=15_000)  # the first probe found nothing
    wait_idle(qtbot, app.runner)
    assert statuses[-1] == "Đang chờ mạng (thử lại sau 60 giây)"
    assert app.read(outbox.waiting_count) == 3 and hub.batch_count() == 0

    hub.start()  # the link is back, and Windows calls a satellite link "Local"
    runs = sender.runs
    net.reachabilityChanged.emit(QNetworkInformation.Reachability.Disconnected)
    qtbot.wait(300)
    assert sender.runs == runs  # "Disconnected" is no reason to try
    net.reachabilityChanged.emit(QNetworkInformation.Reachability.Local)
    qtbot.waitUntil(lambda: app.read(outbox.waiting_count) == 0, timeout=15_000)  # long before the 60 s probe
    wait_idle(qtbot, app.runner)
    assert sender.runs == runs + 1 and len(hub.rows()) == 3
    assert re.fullmatch(r"Đã gửi lúc \d\d:\d\d \(3 ngày\)", statuses[-1])
    sender.stop()


def test_a_long_outage_never_stretches_the_app_probe(qtbot, db, app_for, hub: HubProcess) -> None:
    """The app after a long run of refused connections (hundreds of probes, the count a day of 15–30 s probes
    would make, at millisecond spacing here): its wait never grows past the probe's spacing, so a link that comes
    back is used at the next probe and every waiting day arrives once. The simulated 24 hours with the real
    clock's numbers are tests/e2e/test_link_return.py (the same Pacer, driven by `sync --watch`)."""
    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    hub_link.connect(db, hub.url, code, "máy 1")
    hub.stop()
    _laptop(db, 3)
    app = app_for(db)
    sender = AutoSender(app, first_ms=10, idle_ms=60_000, probe_ms=(20, 30), watch_network=False)
    waits: list[int] = []
    sender.status.connect(lambda _text: waits.append(sender._timer.interval()))
    qtbot.waitUntil(lambda: sender.failures >= 200, timeout=120_000)
    assert max(waits) <= 30 and app.read(outbox.waiting_count) == 3 and hub.batch_count() == 0
    hub.start()  # the window opens: the next probe finds the hub
    qtbot.waitUntil(lambda: app.read(outbox.waiting_count) == 0, timeout=30_000)
    wait_idle(qtbot, app.runner)
    sender.stop()
    assert len(hub.rows()) == 3 and hub.batch_count() == 1  # every day once, in one delivery
