"""A commune with no link, in the app (real widgets offscreen): auto-send with a REAL hub process on 127.0.0.1 that is down
and then up (the waiting days arrive with no click, exactly once); the panel's per-day states through a
bundle and its receipt; the day code dialog (large type + a QR code that decodes back to the code)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from desktop import config
from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, outbox
from desktop.settings_keys import KEY_AUTO_SEND
from desktop.ui.support.autosend import AutoSender
from desktop.ui.views.sync_panel import SyncPanel
from tests.support.hub_process import COMMUNE, HubProcess, hub_cli
from tests.support.qt import wait_idle

D0 = dt.date(2025, 8, 1)


@pytest.fixture
def hub(tmp_path):
    h = HubProcess(tmp_path)
    yield h
    h.stop()


def _laptop(db, days: int) -> None:
    with db.session() as s:
        if not s.query(Point).count():
            s.add(Point(code="P1", name="Điểm 1"))
            s.flush()
        for i in range(days):
            dayclose.close_day(s, D0 + dt.timedelta(days=i), now=dt.datetime(2025, 8, 20, tzinfo=dt.UTC))


def test_waiting_days_arrive_by_themselves_exactly_once(qtbot, db, app_for, hub):
    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    hub_link.connect(db, hub.url, code, "máy 1")
    hub.stop()  # the link goes down; days are closed meanwhile
    _laptop(db, 5)
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    sender = AutoSender(app, panel, first_ms=50, base_ms=300, cap_ms=600, idle_ms=300, probe_ms=(300, 600),
                        watch_network=False)
    statuses: list[str] = []
    sender.status.connect(statuses.append)
    sender.status.connect(panel.show_auto_status)

    qtbot.waitUntil(lambda: sender.failures >= 2, timeout=20_000)  # tried, failed, backed off: no dialog
    assert any(s.startswith("Đang chờ mạng (thử lại sau") for s in statuses)
    assert app.read(outbox.waiting_count) == 5

    hub.start()  # the link returns: nobody clicks anything
    qtbot.waitUntil(lambda: app.read(outbox.waiting_count) == 0, timeout=30_000)
    qtbot.waitUntil(lambda: any(s.startswith("Đã gửi lúc") and "(5 ngày)" in s for s in statuses), timeout=5_000)
    rows, batches = hub.rows(), hub.batch_count()
    assert len(rows) == 5 and len(set(rows)) == 5  # each day once
    runs = sender.runs
    qtbot.waitUntil(lambda: sender.runs >= runs + 2, timeout=10_000)  # it keeps checking, sends nothing more
    wait_idle(qtbot, app.runner)
    assert hub.rows() == rows and hub.batch_count() == batches
    assert [s for _d, _p, s in panel.day_states()] == ["sent"] * 5
    assert panel.auto_label.text().startswith("Đã gửi lúc")
    sender.stop()


def test_auto_send_off_sends_nothing(qtbot, db, app_for, hub):
    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    hub_link.connect(db, hub.url, code, "máy 1")
    _laptop(db, 2)
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    assert panel.auto_check.isChecked()
    panel.auto_check.setChecked(False)  # metered satellite link
    wait_idle(qtbot, app.runner)
    assert app.read(config.get, KEY_AUTO_SEND) == "0"
    sender = AutoSender(app, panel, first_ms=20, base_ms=50, idle_ms=50, watch_network=False)
    qtbot.wait(600)
    assert sender.runs == 0 and app.read(outbox.waiting_count) == 2 and hub.batch_count() == 0
    sender.stop()


def test_panel_bundle_receipt_and_day_code(qtbot, db, app_for, hub, tmp_path):
    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    hub_link.connect(db, hub.url, code, "máy 1")
    hub.stop()
    _laptop(db, 3)
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    assert [s for _d, _p, s in panel.day_states()] == ["waiting"] * 3

    bundle = tmp_path / "usb" / "b.epb"
    panel.export_bundle_to(str(bundle))
    wait_idle(qtbot, app.runner)
    assert bundle.exists() and [s for _d, _p, s in panel.day_states()] == ["exported"] * 3
    assert "đã xuất, chờ xác nhận" in panel.waiting_label.text()

    receipt = tmp_path / "usb" / "r.json"
    hub_cli(hub.url_db, "import-bundle", str(bundle), "--receipt", str(receipt))
    forged = json.loads(receipt.read_text())
    forged["payload"]["device_id"] = "0" * 32
    (tmp_path / "bad.json").write_text(json.dumps(forged))
    panel.import_receipt_from(str(tmp_path / "bad.json"))
    wait_idle(qtbot, app.runner)
    assert "Chữ ký" in panel.offline_label.text()
    assert [s for _d, _p, s in panel.day_states()] == ["exported"] * 3  # nothing changed

    panel.import_receipt_from(str(receipt))
    wait_idle(qtbot, app.runner)
    assert [s for _d, _p, s in panel.day_states()] == ["confirmed"] * 3
    assert "3 báo cáo được xác nhận" in panel.offline_label.text()

    panel.show_day_codes(D0, "P1")
    wait_idle(qtbot, app.runner)
    dlg = panel.day_code_dialog
    assert dlg is not None and dlg.isVisible()
    label = dlg.code_labels[0]
    assert label.font().pointSize() >= 20 and len(label.text()) <= 160
    # the QR painted on screen decodes back to the code
    zxingcpp = pytest.importorskip("zxingcpp")
    from desktop.ui.dialogs.day_code import QrWidget

    qr = dlg.findChild(QrWidget)
    image = qr.grab().toImage()
    from PIL import Image

    buf = image.convertToFormat(image.Format.Format_RGB888)
    pil = Image.frombuffer("RGB", (buf.width(), buf.height()), bytes(buf.constBits()), "raw", "RGB",
                           buf.bytesPerLine())
    decoded = [r.text for r in zxingcpp.read_barcodes(pil)]
    assert decoded == [label.text()]
    dlg.close()


def test_sync_watch_headless(hub, tmp_path, capsys, monkeypatch):
    """`enrollpoint sync --watch`: the hub is down for the first probe, up for the next; Ctrl+C stops it."""
    from desktop import paths
    from desktop.cli import main as ep
    from desktop.storage.db import open_database

    hub.start()
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    db = open_database(paths.db_path())
    try:
        hub_link.connect(db, hub.url, code, "máy 1")
        _laptop(db, 4)
    finally:
        db.close()
    hub.stop()
    rounds: list[float] = []

    def between_rounds(seconds: float) -> None:  # the watch loop's wait: bring the hub back after round 1
        rounds.append(seconds)
        if len(rounds) == 1:
            hub.start()
        elif len(rounds) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", between_rounds)
    assert ep(["sync", "--watch", "--interval", "5", "--max-runs", "10"]) == 0
    out = capsys.readouterr().out
    assert "Đang chờ mạng (thử lại sau" in out and "Đã dừng tự gửi" in out
    assert "Đã gửi lúc" in out and "4 báo cáo; còn chờ 0" in out
    assert 15 <= rounds[0] < 30 and len(hub.rows()) == 4  # nothing answered: probed again in 15–30 s
    assert rounds[1] == 5  # all sent, nothing waits: look at the outbox again after --interval
