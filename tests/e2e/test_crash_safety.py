"""Crash safety, short version: SIGKILL the real CLI during imports and check-in events (5 runs).

The full run (50 kills, also day close and sync) is `bench/crash_kill.py`; results in
bench/RESULTS-security.md.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crash_kill.py"


def _crash_kill():
    spec = importlib.util.spec_from_file_location("crash_kill", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["crash_kill"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_kill_during_import_and_events(tmp_path: Path):
    ck = _crash_kill()
    rep = ck.run(5, ("import", "events"), seed=3, max_seconds=240, citizens=300, import_rows=1500,
                 workdir=tmp_path / "crash")
    print(rep.summary())
    assert not rep.violations, rep.summary()
    assert sum(rep.runs.values()) == 5
    assert rep.acked_events >= 1
    assert sum(rep.killed.values()) >= 1, "no run was actually killed mid-way"
