"""mypy checks the whole tree with the strict settings, and those settings catch what they promise.

`make lint` runs `mypy` with pyproject's [tool.mypy]; these tests keep that config from quietly narrowing
(a package dropped from `files`, a flag switched off) and show, on a file planted in a scratch folder, that
each promised check fails on a violation. Tests themselves are not type-checked (docs/DEVELOPING.md).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MYPY = Path(sys.executable).with_name("mypy")


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_covers_every_package_whole() -> None:
    cfg = _config()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
        "root_packages"]
    assert sorted(cfg["files"]) == sorted(packages)  # whole packages: no sub-folder list that can drift
    assert cfg["exclude"] == ["/migrations/versions/"]
    for flag in ("disallow_untyped_defs", "disallow_incomplete_defs", "check_untyped_defs", "strict_optional",
                 "strict_equality", "warn_unreachable", "warn_unused_ignores", "warn_redundant_casts"):
        assert cfg.get(flag) is True, flag
    assert "ignore-without-code" in cfg["enable_error_code"]


PLANTED = '''
def untyped(x):
    return x


def incomplete(x: int, y) -> int:
    return x


def compares(a: int, b: str) -> bool:
    return a == b


def dead(a: int) -> int:
    if isinstance(a, int):
        return a
    return 0


n: int = "text"  # type: ignore
'''


def test_the_settings_refuse_what_they_promise(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "planted.py").write_text(PLANTED, encoding="utf-8")
    run = subprocess.run([str(MYPY), "--config-file", "pyproject.toml", "--cache-dir", str(tmp_path / ".cache"),
                          "planted.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    found = {(int(m[1]), m[2]) for m in re.finditer(r"planted\.py:(\d+): error: .*\[([a-z-]+)\]", run.stdout)}
    assert found == {
        (2, "no-untyped-def"),
        (6, "no-untyped-def"),
        (11, "comparison-overlap"),
        (17, "unreachable"),
        (20, "ignore-without-code"),
    }, run.stdout
