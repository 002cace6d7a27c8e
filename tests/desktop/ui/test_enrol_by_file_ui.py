"""Enrolment by file in the app: the "Kết nối bằng tệp (không có mạng)…" dialog with real widgets
offscreen, answered by the REAL hub (`enrollpoint-hub` processes on a real hub database: enrol-code,
enrol-file, import-bundle). Step 1 writes a request without the code in clear, the dialog remembers it (the
service's pending state in the keyring), the hub answers, step 2 completes it; a tampered response and
another laptop's are refused in Vietnamese with nothing stored; a reused code is refused by the hub; then a
bundle export works and the hub stores it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from desktop import config
from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link
from desktop.settings_keys import KEY_HUB_COMMUNE, KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY
from desktop.ui.views.sync_panel import SyncPanel
from sync import offline, signing
from tests.support.hub_process import COMMUNE, REPO, HubProcess, hub_cli
from tests.support.qt import wait_idle

D0 = dt.date(2025, 9, 1)


def _island_laptop(db) -> None:
    """A laptop set up for the commune (first run done) that never reached the hub."""
    with db.session() as s:
        config.set_commune(s, config.Commune(COMMUNE, "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))


def _hub_fails(db_url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", db_url, *args], capture_output=True,
                         text=True, timeout=60, cwd=REPO)
    assert out.returncode != 0, out.stdout
    return out.stderr + out.stdout


def _stored(app) -> dict[str, str]:
    return {k: app.read(config.get, k) for k in (KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY,
                                                 KEY_HUB_COMMUNE)}


def test_enrol_by_files_in_the_app_then_bundle(qtbot, db, app_for, tmp_path):
    hub = HubProcess(tmp_path)
    hub_cli(hub.url_db, "target", "set", COMMUNE, "card_captured", "900", "--deadline", "2025-12-31")
    _island_laptop(db)
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)

    dlg = panel.open_enrol_by_file()
    wait_idle(qtbot, app.runner)
    assert dlg.isVisible() and dlg.pending is None
    assert "Chưa có yêu cầu" in dlg.pending_label.text()

    # step 1: type the code and the device name, choose the stick, click
    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    req = tmp_path / "usb" / "yeu-cau.json"
    dlg.write_request()  # nothing typed yet: said, nothing written
    assert "mã kết nối" in dlg.message.text() and not req.parent.exists()
    dlg.code_edit.setText(code.lower())
    dlg.name_edit.setText("Máy đảo Sinh Tồn")
    dlg.path_edit.setText(str(req))
    qtbot.mouseClick(dlg.write_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, app.runner)
    assert "Mang tệp này" in dlg.message.text() and str(req) in dlg.message.text()
    text = req.read_text()
    assert code not in text and offline.code_key(code) not in text.replace("-", "")  # never the code
    assert dlg.code_edit.text() == ""
    assert dlg.pending is not None and dlg.pending["device_name"] == "Máy đảo Sinh Tồn"
    assert _stored(app)[KEY_HUB_DEVICE_ID] == ""  # not enrolled yet

    # the app is closed and opened again: the dialog remembers step 1
    dlg.close()
    dlg = panel.open_enrol_by_file()
    wait_idle(qtbot, app.runner)
    assert dlg.pending is not None and "Đang chờ tệp trả lời" in dlg.pending_label.text()

    # the province answers; the same code cannot be used twice
    resp = tmp_path / "usb" / "tra-loi.json"
    info = json.loads(hub_cli(hub.url_db, "--json", "enrol-file", str(req), "--out", str(resp)))
    assert "đã được dùng" in _hub_fails(hub.url_db, "enrol-file", str(req), "--out", str(tmp_path / "again.json"))
    assert not (tmp_path / "again.json").exists()

    # another laptop's response came back on our stick: refused, nothing stored
    other_code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    offline.write_file(tmp_path / "other-req.json",
                       offline.make_request(other_code, COMMUNE, "máy 2", signing.generate_keypair()[0]))
    hub_cli(hub.url_db, "enrol-file", str(tmp_path / "other-req.json"), "--out", str(tmp_path / "other.json"))
    before = _stored(app)
    dlg.open_response(str(tmp_path / "other.json"))
    wait_idle(qtbot, app.runner)
    assert "máy khác" in dlg.message.text() and dlg.result is None
    assert _stored(app) == before

    # our response, altered on the way: refused, nothing stored, still pending
    doc = json.loads(resp.read_text())
    (tmp_path / "bad.json").write_text(json.dumps(dict(doc, payload={**doc["payload"], "commune_name": "Xã giả"})))
    dlg.open_response(str(tmp_path / "bad.json"))
    wait_idle(qtbot, app.runner)
    assert "Chữ ký" in dlg.message.text() and "color: #b00020" in dlg.message.styleSheet()
    assert _stored(app) == before and dlg.pending is not None

    # step 2: the genuine response
    dlg.open_response(str(resp))
    wait_idle(qtbot, app.runner)
    msg = dlg.message.text()
    assert dlg.result is not None and dlg.result["device_id"] == info["device_id"]
    assert COMMUNE in msg and info["device_id"] in msg and "ghim" in msg and "1 chỉ tiêu" in msg
    got = _stored(app)
    assert got[KEY_HUB_DEVICE_ID] == info["device_id"] and got[KEY_HUB_COMMUNE] == COMMUNE
    assert signing.valid_public_key(got[KEY_HUB_PUBLIC_KEY])
    assert dlg.pending is None and "Chưa có yêu cầu" in dlg.pending_label.text()
    # the same response again: nothing pending any more
    dlg.open_response(str(resp))
    wait_idle(qtbot, app.runner)
    assert "không có yêu cầu kết nối nào đang chờ" in dlg.message.text()

    # from now on bundles work: close a day, export from the panel, the hub stores it
    with db.session() as s:
        dayclose.close_day(s, D0, now=dt.datetime(2025, 9, 2, tzinfo=dt.UTC))
    panel.refresh()
    bundle = tmp_path / "usb" / "b.epb"
    panel.export_bundle_to(str(bundle))
    wait_idle(qtbot, app.runner)
    assert bundle.exists() and [s for _d, _p, s in panel.day_states()] == ["exported"]
    hub_cli(hub.url_db, "import-bundle", str(bundle), "--receipt", str(tmp_path / "usb" / "r.json"))
    assert list(hub.rows()) == [("P1", D0.isoformat())]


def test_menu_item_opens_the_dialog(qtbot, window):
    act = window.findChild(QAction, "actEnrolByFile")
    assert act is not None and act.text() == "Kết nối bằng tệp (không có mạng)…"
    act.trigger()
    dlg = window.shell.sync_panel.enrol_dialog
    assert dlg is not None and dlg.isVisible() and window.shell.sync_dock.isVisible()
    wait_idle(qtbot, window.shell.app.runner)
    assert dlg.pending is None
    dlg.close()


def test_dialog_says_whether_the_laptop_kept_its_device(qtbot, db, app_for, tmp_path):
    """A laptop enrolled with an earlier hub reconnects by file to a hub that never knew its device: the
    dialog says it became a NEW device and why; connecting again to that hub keeps the device, and says so."""
    hub = HubProcess(tmp_path)
    _island_laptop(db)
    old = "d" * 32
    with db.session() as s:  # enrolled before, with a hub the province has since replaced
        config.put(s, KEY_HUB_DEVICE_ID, old)
        config.put(s, KEY_HUB_COMMUNE, COMMUNE)
    hub_link._keyring_set(hub_link.keyring_name(old), {"token": "t", "private_key": signing.generate_keypair()[0],
                                                       "device_id": old})
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    dlg = panel.open_enrol_by_file()
    wait_idle(qtbot, app.runner)

    def round_trip(n: int) -> str:
        code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
        req, resp = tmp_path / "usb" / f"yeu-cau-{n}.json", tmp_path / "usb" / f"tra-loi-{n}.json"
        dlg.write_request(code, str(req), "Máy đảo")
        wait_idle(qtbot, app.runner)
        hub_cli(hub.url_db, "enrol-file", str(req), "--out", str(resp))
        dlg.open_response(str(resp))
        wait_idle(qtbot, app.runner)
        assert dlg.result is not None and "color: #b00020" not in dlg.message.styleSheet()
        return dlg.message.text()

    msg = round_trip(1)
    new = dlg.result["device_id"]
    assert new != old and dlg.result["same_device"] == "no"
    assert "MÁY MỚI trên trạm tỉnh" in msg and f"không biết mã máy cũ {old}" in msg and new in msg
    assert _stored(app)[KEY_HUB_DEVICE_ID] == new

    msg = round_trip(2)  # the same hub again: it knows the device now
    assert dlg.result["device_id"] == new and dlg.result["same_device"] == "yes"
    assert "vẫn là máy cũ trên trạm tỉnh" in msg and "MÁY MỚI" not in msg
