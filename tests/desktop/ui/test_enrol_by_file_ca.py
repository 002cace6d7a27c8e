"""«Chứng chỉ của tỉnh» in the enrol-by-file dialog (real widgets offscreen, the real hub CLI answering): a
file that is not a certificate is refused with words before the response is used (nothing stored, still
pending); the province's CA chosen beside the response is pinned with the enrolment, for the hub the laptop
will be given."""

from __future__ import annotations

import json

from desktop import config
from desktop.models import Point
from desktop.services.province_link import hub_ca
from desktop.settings_keys import KEY_HUB_CA_FOR, KEY_HUB_CA_PEM, KEY_HUB_DEVICE_ID
from desktop.ui.views.sync_panel import SyncPanel
from tests.support.hub_process import COMMUNE, HubProcess, hub_cli
from tests.support.qt import wait_idle
from tests.support.tls import make_pki


def test_the_province_ca_chosen_in_the_dialog_is_pinned_with_the_enrolment(qtbot, db, app_for, tmp_path):
    hub = HubProcess(tmp_path)
    with db.session() as s:
        config.set_commune(s, config.Commune(COMMUNE, "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))
    app = app_for(db)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    dlg = panel.open_enrol_by_file()
    wait_idle(qtbot, app.runner)
    assert dlg.ca_edit.objectName() == "caFile" and dlg.ca_edit.text() == ""

    code = json.loads(hub_cli(hub.url_db, "--json", "enrol-code", COMMUNE))["code"]
    req, resp = tmp_path / "usb" / "yeu-cau.json", tmp_path / "usb" / "tra-loi.json"
    dlg.write_request(code, str(req), "Máy đảo")
    wait_idle(qtbot, app.runner)
    hub_cli(hub.url_db, "enrol-file", str(req), "--out", str(resp))

    junk = tmp_path / "usb" / "khong-phai.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n")
    dlg.ca_edit.setText(str(junk))
    dlg.open_response(str(resp))
    wait_idle(qtbot, app.runner)
    assert "không chứa chứng chỉ" in dlg.message.text() and dlg.result is None
    assert app.read(config.get, KEY_HUB_DEVICE_ID) == "" and app.read(config.get, KEY_HUB_CA_PEM) == ""
    assert dlg.pending is not None  # the response was not used: it still completes the enrolment

    pki = make_pki(tmp_path / "pki")
    dlg.ca_edit.setText(str(pki.ca))
    dlg.open_response(str(resp))
    wait_idle(qtbot, app.runner)
    assert dlg.result is not None and "chứng chỉ của tỉnh" in dlg.message.text()
    assert app.read(config.get, KEY_HUB_CA_PEM) == pki.ca.read_text()
    assert app.read(config.get, KEY_HUB_CA_FOR) == ""  # the hub a targets file names later
    assert hub_ca.pinned_for(db, "https://hub.tinh.gov.vn") == pki.ca.read_text()
