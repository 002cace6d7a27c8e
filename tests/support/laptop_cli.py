"""A commune laptop driven through the `enrollpoint` CLI in subprocesses: its own data dir and its own keyring
(a plaintext file keyring under its own XDG_DATA_HOME), as a separate machine has."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from common import idnumber
from tests.support.hub_process import COMMUNE, REPO, HubProcess


class CliLaptop:
    """One machine; every call is a CLI subprocess (bounded in time)."""

    def __init__(self, root: Path, name: str, commune: str = COMMUNE) -> None:
        self.root = root / name
        self.root.mkdir(parents=True)
        self.commune = commune
        self.env = {**os.environ, "ENROLLPOINT_DATA_DIR": str(self.root / "data"),
                    "XDG_DATA_HOME": str(self.root / "xdg-data"), "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "PYTHONPATH": str(REPO)}
        self.env.pop("ENROLLPOINT_RECOVERY_KEY", None)
        self.serial = 0

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                              timeout=120, cwd=REPO, env=self.env)

    def ok(self, *args: str) -> str:
        out = self.run(*args)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out.stdout

    def setup(self) -> CliLaptop:
        self.ok("init", "--commune-code", self.commune)
        return self

    def capture(self, day: dt.date, point: str = "TRUSO") -> None:
        """One more citizen of this laptop, a card captured at `point` on `day`."""
        self.serial += 1
        seq = sum(map(ord, self.root.name)) % 900 * 1000 + self.serial
        number = idnumber.make("056", 1990, "M", seq)
        csv = self.root / f"ds-{self.serial}.csv"
        csv.write_text('STT,Họ và tên,"Ngày, tháng, năm sinh",Giới tính,Số CCCD,Thôn/Tổ dân phố,SĐT\r\n'
                       f"1,Nguyễn Văn An,01/01/1990,Nam,{number},Thôn Đông,\r\n", encoding="utf-8")
        self.ok("import", str(csv))
        self.ok("event", number, "card_captured", "--point", point, "--at", f"{day.isoformat()}T09:00")

    def close(self, day: dt.date) -> None:
        self.ok("close-day", "--date", day.isoformat())

    def connect(self, hub: HubProcess, code: str) -> subprocess.CompletedProcess[str]:
        return self.run("connect", "--hub", hub.url, "--code", code, "--name", self.root.name, "--json")

    def device_id(self) -> str:
        return str(json.loads(self.ok("sync-status", "--json"))["device_id"])
