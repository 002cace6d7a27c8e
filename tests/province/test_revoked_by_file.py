"""Enrolment by file, like online: a revoked laptop's re-enrolment request with an ordinary code is refused
(nothing written, the code unspent) until the admin reinstates the device (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.clis import hub, lap

COMMUNE = "22736"


def test_a_revoked_laptop_is_not_reenrolled_by_file(hub_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    hub(hub_url, capsys, "init")
    hub(hub_url, capsys, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    req = tmp_path / "yeu-cau.json"
    lap(capsys, "connect", "--code", code, "--request-file", str(req), "--commune", COMMUNE)
    resp = tmp_path / "tra-loi.json"
    device = hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp))["device_id"]
    lap(capsys, "connect", "--response-file", str(resp))
    hub(hub_url, capsys, "device", "revoke", device)

    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]  # an ordinary code of the commune
    req2 = tmp_path / "yeu-cau-2.json"
    assert lap(capsys, "connect", "--code", code, "--request-file", str(req2))["previous_device_id"] == device
    out = tmp_path / "tra-loi-2.json"
    assert "thu hồi" in hub(hub_url, capsys, "enrol-file", str(req2), "--out", str(out), ok=False)
    assert "revoked" in hub(hub_url, capsys, "--lang", "en", "enrol-file", str(req2), "--out", str(out), ok=False)
    assert not out.exists()
    assert [d["revoked"] for d in hub(hub_url, capsys, "device", "list")] == [True]

    hub(hub_url, capsys, "device", "reinstate", device)  # found again: the same request now goes through
    assert hub(hub_url, capsys, "enrol-file", str(req2), "--out", str(out))["device_id"] == device
    assert lap(capsys, "connect", "--response-file", str(out))["same_device"] == "yes"
    kinds = [a["action"] for a in hub(hub_url, capsys, "audit", "--kind", "device")]
    assert kinds[:3] == ["device.reenrol", "device.reinstate", "device.revoke"]
    assert all(a["actor"].startswith("admin (os: ") for a in hub(hub_url, capsys, "audit", "--kind", "device.revoke"))
