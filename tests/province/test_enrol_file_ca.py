"""The province's CA carried in the signed enrolment response (`enrollpoint-hub enrol-file … --ca-file`): a
file that is no certificate is refused before the code is spent; the CA travels signed, a courier who swaps
it breaks the signature; the laptop pins it for the hub a targets file names later, and uses it for that hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import config, paths
from desktop.services.province_link import hub_ca, hub_link
from desktop.settings_keys import KEY_HUB_CA_FOR, KEY_HUB_CA_PEM
from desktop.storage.db import open_database
from tests.support.clis import hub, lap
from tests.support.tls import make_pki

COMMUNE = "22736"
HUB = "https://hub.tinh.gov.vn"


def _pinned() -> tuple[str, str]:
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            return config.get(s, KEY_HUB_CA_PEM), config.get(s, KEY_HUB_CA_FOR)
    finally:
        db.close()


def test_the_ca_travels_signed_in_the_response_and_serves_the_hub_named_later(
        hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub(hub_url, capsys, "init")
    hub(hub_url, capsys, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    req, resp = tmp_path / "usb" / "yeu-cau.json", tmp_path / "usb" / "tra-loi.json"
    lap(capsys, "connect", "--code", code, "--request-file", str(req), "--commune", COMMUNE)

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    said = hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp), "--ca-file", str(junk), ok=False)
    assert "không chứa chứng chỉ" in said and not resp.exists()

    pki = make_pki(tmp_path / "pki")
    hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp), "--ca-file", str(pki.ca))  # the code still good
    doc = json.loads(resp.read_text())
    assert doc["payload"]["tls_ca_pem"] == pki.ca.read_text()

    # a courier swaps in a CA of their own: the signature no longer holds, nothing is pinned
    evil = make_pki(tmp_path / "evil", ca_name="Courier CA")
    swapped = tmp_path / "swapped.json"
    swapped.write_text(json.dumps(dict(doc, payload={**doc["payload"], "tls_ca_pem": evil.ca.read_text()})))
    assert "Chữ ký" in lap(capsys, "connect", "--response-file", str(swapped), ok=False)
    assert _pinned() == ("", "")

    done = lap(capsys, "connect", "--response-file", str(resp))
    assert done["commune_code"] == COMMUNE and done["certificates"] == "1"
    assert _pinned() == (pki.ca.read_text(), "")  # for the hub this laptop will be given

    # the province's targets file names the hub: requests to it verify against the pinned CA
    targets = tmp_path / "usb" / "chi-tieu.json"
    hub(hub_url, capsys, "targets-file", COMMUNE, "--out", str(targets), "--hub-url", HUB)
    lap(capsys, "targets", "--file", str(targets))
    db = open_database(paths.db_path())
    try:
        ca_file = hub_ca.file_for(db, HUB)
        assert ca_file and Path(ca_file).read_text() == pki.ca.read_text()
        creds = hub_link.credentials(db)  # what every request to the hub is made with
        assert creds.hub_url == HUB and creds.ca_file == ca_file
        assert hub_ca.file_for(db, "https://another.hub.vn") == ""  # another hub: the system's authorities
    finally:
        db.close()
