"""common.files: a file the officer carries away is under its real name whole or not at all — also when
the writing process dies half-way or the writer raises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.files import atomic_open, atomic_write

ROOT = Path(__file__).resolve().parents[2]


def test_writes_the_bytes_and_makes_the_folders(tmp_path: Path) -> None:
    target = tmp_path / "usb" / "xã" / "báo cáo.pdf"
    assert atomic_write(target, b"%PDF-1.4 ...") == target
    assert target.read_bytes() == b"%PDF-1.4 ..."
    assert sorted(p.name for p in target.parent.iterdir()) == ["báo cáo.pdf"]  # no temporary file left


def test_replaces_an_existing_file_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"old")
    atomic_write(target, b"new", durable=False)
    assert target.read_bytes() == b"new"


def test_an_error_while_writing_leaves_the_old_file_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "peer.epx"
    target.write_bytes(b"the previous export")
    with pytest.raises(RuntimeError), atomic_open(target) as f:
        f.write(b"half of a new")
        raise RuntimeError("the database went away")
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["peer.epx"]


def test_a_process_killed_mid_write_never_leaves_half_a_file_under_the_name(tmp_path: Path) -> None:
    target = tmp_path / "bundle.epb"
    script = ("import os, sys\nfrom common.files import atomic_open\n"
              "with atomic_open(sys.argv[1]) as f:\n"
              "    f.write(b'x' * 100000)\n    f.flush()\n    os._exit(9)\n")
    out = subprocess.run([sys.executable, "-c", script, str(target)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                         timeout=60)
    assert out.returncode == 9
    assert not target.exists()  # only the hidden temporary file remains
    assert [p.name.startswith(".bundle.epb.") for p in tmp_path.iterdir()] == [True]
