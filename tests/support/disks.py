"""Real disks for fault tests: a small tmpfs mounted by the test (root only, as in CI), always unmounted."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "8m") -> Iterator[Path]:
    """A fresh tmpfs of `size` at `where`; skips the test where mounting is not possible."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a real full or read-only disk needs a tmpfs mount: run as root (CI does)")
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or r.returncode})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def fill(folder: Path) -> None:
    """Write a filler file until the disk under `folder` has no byte left."""
    chunk = b"\0" * 65536
    with open(folder / "filler.bin", "wb", buffering=0) as f:
        for _ in range(1 << 20):  # bounded: 64 GiB, far beyond any test tmpfs
            try:
                f.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
        for size in (4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                continue


def remount_read_only(where: Path) -> None:
    r = subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"cannot remount read-only here ({r.stderr.strip()})")
