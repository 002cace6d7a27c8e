"""The hub's log as an operator reads it: a real `enrollpoint-hub serve` process (info level, access log on),
a laptop CLI that enrols and sends a day, dashboard logins by password and by one-time link. Every line
starts with a UTC time; the batch's line names device, commune and outcome; the login's names the address;
the audit (read by `enrollpoint-hub audit`) has the address too; no token, code, password, citizen's name or
ID number is anywhere in the log."""

from __future__ import annotations

import base64
import configparser
import datetime as dt
import json
import re
from pathlib import Path

import httpx
import pytest

from tests.support.hub import PASSWORD, login
from tests.support.hub_process import HubProcess
from tests.support.laptop_cli import CliLaptop

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 20)
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def _keyring_secrets(lap: CliLaptop) -> list[str]:
    """Every secret value the laptop's (plaintext file) keyring holds: its token and private key."""
    found: list[str] = []
    for f in (lap.root / "xdg-data").rglob("*.cfg"):
        cfg = configparser.RawConfigParser()
        cfg.read(f, encoding="utf-8")
        for section in cfg.sections():
            for _, value in cfg.items(section):
                found += re.findall(r"[A-Za-z0-9_+/=-]{20,}", base64.b64decode("".join(value.split())).decode())
    return found


def test_log_lines_are_timestamped_name_the_outcome_and_hold_no_secret(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub = HubProcess(tmp_path, access_log=True)
    hub.cli("user", "add", "quan.tri", "--role", "admin")
    lap = CliLaptop(tmp_path, "may-A").setup()
    with hub:
        code = hub.enrol_code()
        assert lap.connect(hub, code).returncode == 0
        lap.capture(DAY)
        lap.close(DAY)
        lap.ok("sync")
        link = json.loads(hub.cli("--json", "user", "login-link", "quan.tri", "--base-url", hub.url))["url"]
        with httpx.Client(base_url=hub.url, timeout=10) as browser:
            assert login(browser, "quan.tri", "sai-mật-khẩu-rồi").status_code == 401
            assert login(browser).status_code == 303
        with httpx.Client(timeout=10) as kiosk:
            assert kiosk.get(link, follow_redirects=False).status_code == 303
    log = hub.log.read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines and all(STAMP.match(line) for line in lines), [x for x in lines if not STAMP.match(x)][:3]
    device = lap.device_id()
    assert any(f"from device {device} (commune 22736, http): 1 new, 0 updated, 0 ignored" in line for line in lines), log
    assert any("dashboard login of 'quan.tri' from 127.0.0.1" in line for line in lines)
    assert any("login refused for 'quan.tri' from 127.0.0.1" in line for line in lines)
    secrets = [code, code.replace("-", ""), PASSWORD, link.rsplit("/", 1)[1],
               *(s for s in _keyring_secrets(lap) if s != device)]  # the device id is named on purpose
    assert len(secrets) >= 7  # the code (two spellings), the password, the link, the laptop's token and keys
    for secret in secrets:
        assert secret not in log
    # A batch id is a UUID whose last group can be twelve digits (1 in 280): ids are taken out before the
    # look for a citizen's 12-digit ID number.
    without_ids = UUID.sub("<id>", log)
    assert "Nguyễn Văn An" not in log and not re.search(r"\b\d{12}\b", without_ids)
    logins = json.loads(hub.cli("--json", "audit", "--kind", "user.login"))
    assert [entry["detail"].get("address") for entry in logins] == ["127.0.0.1", "127.0.0.1"]
