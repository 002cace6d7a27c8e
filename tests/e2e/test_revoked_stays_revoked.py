"""A revoked laptop stays revoked: an ordinary new code of its commune no longer brings it back.

Real processes only: a hub process on 127.0.0.1 and laptops driven by the `enrollpoint` CLI in subprocesses,
each with its own data dir and keyring. On the original code `connect` answered "vẫn là máy cũ" and the
revoked laptop's next sync was accepted (the stolen-laptop hole); now only `device reinstate` or a replacement
code naming the device lets it in.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support.hub_process import HubProcess
from tests.support.laptop_cli import CliLaptop

pytestmark = pytest.mark.slow
DAY = dt.date(2026, 11, 20)


def _device(hub: HubProcess, device_id: str) -> dict[str, object]:
    rows = json.loads(hub.cli("--json", "device", "list"))
    return next(r for r in rows if r["id"] == device_id)


def _revoked_laptop(tmp_path: Path, hub: HubProcess) -> tuple[CliLaptop, str]:
    lap = CliLaptop(tmp_path, "may-mat").setup()
    assert lap.connect(hub, hub.enrol_code()).returncode == 0
    lap.capture(DAY)
    lap.close(DAY)
    lap.ok("sync")
    device = lap.device_id()
    hub.cli("device", "revoke", device)
    return lap, device


def test_an_ordinary_code_does_not_lift_a_revocation_reinstate_does(tmp_path: Path) -> None:
    with HubProcess(tmp_path) as hub:
        lap, device = _revoked_laptop(tmp_path, hub)
        code = hub.enrol_code()  # the code meant for the commune's next laptop
        out = lap.connect(hub, code)
        assert out.returncode == 2, (out.stdout, out.stderr)
        assert "thu hồi" in out.stderr and "vẫn là máy cũ" not in out.stdout + out.stderr
        assert _device(hub, device)["revoked"] is True
        lap.capture(DAY)
        lap.close(DAY)
        assert lap.run("sync").returncode != 0  # its old token is refused
        # The code was not spent: the commune's real next laptop still enrols with it.
        other = CliLaptop(tmp_path, "may-moi").setup()
        assert other.connect(hub, code).returncode == 0
        assert other.device_id() != device
        # The laptop was found: the admin reinstates it, and it syncs again with its own token.
        hub.cli("device", "reinstate", device)
        assert _device(hub, device)["revoked"] is False
        lap.ok("sync")
        audit = json.loads(hub.cli("--json", "audit", "--kind", "device.reinstate"))
        assert [a["detail"]["device"] for a in audit] == [device]


def test_a_replacement_code_naming_the_device_lifts_the_revocation(tmp_path: Path) -> None:
    with HubProcess(tmp_path) as hub:
        lap, device = _revoked_laptop(tmp_path, hub)
        code = json.loads(hub.cli("--json", "enrol-code", hub.commune, "--replaces", device))["code"]
        out = lap.connect(hub, code)
        assert out.returncode == 0, out.stderr
        assert _device(hub, device)["revoked"] is False
        lap.capture(DAY)
        lap.close(DAY)
        lap.ok("sync")
