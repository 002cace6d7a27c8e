"""Laptops as real `enrollpoint` processes: each its own data directory and keyring file, plain SQLite."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def env(tmp_path: Path, name: str) -> dict[str, str]:
    return dict(os.environ, ENROLLPOINT_DATA_DIR=str(tmp_path / name), XDG_DATA_HOME=str(tmp_path / f"xdg-{name}"),
                PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", ENROLLPOINT_PLAIN_DB="1")


def cli(laptop: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=laptop, capture_output=True, text=True,
                          timeout=timeout)


def db_file(laptop: dict[str, str]) -> Path:
    return Path(laptop["ENROLLPOINT_DATA_DIR"]) / "enrollpoint.db"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(laptop: dict[str, str]) -> Iterator[int]:
    """`enrollpoint peer serve` on 127.0.0.1 for the block; yields its port."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "desktop", "peer", "serve", "--port", str(port)], env=laptop,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
