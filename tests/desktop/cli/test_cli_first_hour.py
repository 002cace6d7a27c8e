"""A newcomer's first hour with the CLI: `init` then `close-day`, `… --json | head`, and a
`--data-dir` that already exists keeps its mode."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import paths
from desktop.cli import main

EXE = Path(sys.executable).parent / "enrollpoint"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_the_headquarters_point_so_close_day_works(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "hq")
    code, out, err = run(capsys, "init", "--data-dir", d, "--commune-code", "22366", "--json")
    assert code == 0, err
    assert json.loads(out)["point_created"] == "TRUSO"
    code, out, _ = run(capsys, "point", "list", "--data-dir", d, "--json")
    got = json.loads(out)
    rows = got if isinstance(got, list) else got.get("points", got)
    assert [(p["code"], p["kind"]) for p in rows] == [("TRUSO", "office")]
    today = dt.date.today().isoformat()
    code, out, err = run(capsys, "close-day", "--data-dir", d, "--date", today, "--json")
    assert code == 0, err
    assert [r["point_code"] for r in json.loads(out)] == ["TRUSO"]
    # Running init again (same commune) adds nothing.
    code, out, _ = run(capsys, "init", "--data-dir", d, "--commune-code", "22366", "--json")
    assert code == 0 and json.loads(out)["point_created"] is None
    code, out, _ = run(capsys, "point", "list", "--data-dir", d, "--json")
    assert len(json.loads(out) if isinstance(json.loads(out), list) else json.loads(out)["points"]) == 1


def test_demo_after_init_keeps_one_headquarters(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "hq-demo")
    assert run(capsys, "init", "--data-dir", d, "--commune-code", "22736", "--json")[0] == 0
    code, _, err = run(capsys, "demo", "--data-dir", d, "--citizens", "50", "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "point", "list", "--data-dir", d, "--json")
    got = json.loads(out)
    rows = got if isinstance(got, list) else got.get("points", got)
    offices = [p["code"] for p in rows if p["kind"] == "office"]
    assert offices == ["TRUSO"] and len(rows) == 4


@pytest.mark.skipif(os.name != "posix", reason="SIGPIPE / EPIPE")
def test_json_into_a_pipe_closed_early_exits_quietly(tmp_path: Path) -> None:
    """`enrollpoint search … --json | head -c 1` with more output than a pipe holds: no traceback."""
    assert EXE.exists()
    d = str(tmp_path / "pipe")
    env = {**os.environ, "ENROLLPOINT_PLAIN_DB": "1"}
    made = subprocess.run([str(EXE), "demo", "--data-dir", d, "--citizens", "300", "--seed", "4"],
                          capture_output=True, text=True, timeout=180, env=env)
    assert made.returncode == 0, made.stderr
    # A real shell pipeline: `head` reads one byte and exits while enrollpoint is still writing (~200 KB).
    cmd = f"'{EXE}' search --data-dir '{d}' n --json --limit 1000; echo \"rc=$?\" >&2"
    p = subprocess.run(["bash", "-c", f"({cmd}) | head -c 1"], capture_output=True, text=True, timeout=180,
                       env=env)
    assert p.stdout == "{"
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr, p.stderr
    assert "rc=141" in p.stderr, p.stderr
    # The reader is gone before the first byte is written: same quiet exit.
    proc = subprocess.Popen([str(EXE), "point", "list", "--data-dir", d, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141 and b"Traceback" not in err, err.decode(errors="replace")


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_existing_data_dir_keeps_its_mode(tmp_path: Path, capsys) -> None:
    """A shared 1777 folder named with --data-dir keeps 1777 (sticky bit); what the app creates is 0700."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    code, _, err = run(capsys, "init", "--data-dir", str(shared), "--commune-code", "22366")
    assert code == 0, err
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "enrollpoint.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((shared / "logs").stat().st_mode) == 0o700
    new = tmp_path / "made" / "here"
    paths.set_data_dir(new)
    try:
        assert paths.data_dir() == new.resolve()
        assert stat.S_IMODE(new.stat().st_mode) == 0o700
    finally:
        paths.set_data_dir(None)
