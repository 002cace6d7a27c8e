"""Laptops driven through the `enrollpoint` command line in subprocesses, each in its own data directory and
its own keyring (a plaintext file keyring under its own XDG_DATA_HOME), and a `peer serve` process on
127.0.0.1 — the real processes the peer-sync scenario tests run."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import idnumber
from tests.support.hub_process import COMMUNE, free_port
from tests.support.hub_process import REPO as ROOT

KEY_RE = re.compile(r"\b(?:[A-Z2-7]{4}-){13}[A-Z2-7]{4}\b")
NAMES = ["Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"]
CSV_HEAD = 'STT,Họ và tên,"Ngày, tháng, năm sinh",Giới tính,Số CCCD,Thôn/Tổ dân phố,SĐT\r\n'


def id_numbers(n: int, serial: int = 1) -> list[str]:
    """`n` valid ID numbers (born 1990, men, province 056)."""
    return [idnumber.make("056", 1990, "M", serial + i) for i in range(n)]


class CliLaptop:
    """One machine: its data dir and its keyring; every call is a CLI subprocess."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root / name
        self.root.mkdir(parents=True)
        self.data = self.root / "data"
        self.env = {**os.environ, "ENROLLPOINT_DATA_DIR": str(self.data),
                    "XDG_DATA_HOME": str(self.root / "xdg-data"), "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "PYTHONPATH": str(ROOT)}
        for k in ("ENROLLPOINT_RECOVERY_KEY", "ENROLLPOINT_PIN", "ENROLLPOINT_SUPERVISOR_PIN"):
            self.env.pop(k, None)
        self.recovery_key = ""

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                             timeout=timeout, cwd=ROOT, env={**self.env, **(env or {})})
        if not self.recovery_key and (m := KEY_RE.search(out.stderr)):
            self.recovery_key = m.group(0)
        return out

    def ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = self.run(*args, env=env)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out.stdout

    def js(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json"))

    def init(self) -> None:
        self.ok("init", "--commune-code", COMMUNE)

    def import_people(self, numbers: list[str]) -> None:
        csv = self.root / "ds.csv"
        csv.write_text(CSV_HEAD + "".join(f"{i},{NAMES[(i - 1) % len(NAMES)]},01/01/1990,Nam,{n},Thôn Đông,\r\n"
                                          for i, n in enumerate(numbers, 1)), encoding="utf-8")
        self.ok("import", str(csv))

    def captured(self, number: str) -> int:
        """How many card_captured events this laptop holds for the citizen."""
        st = self.js("status", number)
        return sum(1 for e in st["history"] if e["event"] == "card_captured")  # type: ignore[index]

    def export(self, path: Path, *extra: str) -> Path:
        self.ok("peer", "export", str(path), *extra)
        return path

    @contextmanager
    def serving(self) -> Iterator[str]:
        """`peer serve` on 127.0.0.1 for the length of the block: its address."""
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "desktop", "peer", "serve", "--port", str(port)], env=self.env,
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, "peer serve did not start"
                    time.sleep(0.1)
            yield f"127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
