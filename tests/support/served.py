"""Server processes a test starts itself (uvicorn workers, nginx): wait until one answers 200, and stop it —
bounded in time, with the end of its log in the failure."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import requests


def wait_ok(url: str, proc: subprocess.Popen[bytes], log: Path, verify: bool | str = True,
            timeout: float = 60) -> None:
    """Poll `url` until it answers 200; fail with the log's end if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            if requests.get(url, timeout=2, verify=verify).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout:.0f} s: {log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill after 20 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
