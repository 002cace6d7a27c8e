"""The dependency locks (requirements/*.txt): in step with pyproject.toml, one set of versions for the app
and the tests, resolved for Windows as well as Linux, every file hashed; and installer/check_lock.py
refusing a venv that is not the lock."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
APP, DEV = ROOT / "requirements" / "app.txt", ROOT / "requirements" / "dev.txt"
CHECK = ROOT / "installer" / "check_lock.py"
LINUX = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11", "python_full_version": "3.11.7"}
WINDOWS = {"sys_platform": "win32", "platform_system": "Windows", "python_version": "3.11", "python_full_version": "3.11.9"}


def _pins(lock: Path, env: dict[str, str]) -> dict[str, str]:
    """The lock's pins for `env`, read by installer/check_lock.py (a script, loaded from its file)."""
    spec = importlib.util.spec_from_file_location("check_lock", CHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pins: dict[str, str] = module.pins(lock, env)
    return pins


def _declared(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def test_every_declared_dependency_is_pinned_within_its_bounds_on_linux_and_windows() -> None:
    """Editing pyproject.toml without `make lock` fails here, not on a field laptop."""
    for lock, extras in ((APP, ()), (DEV, ("dev", "icu", "postgres"))):
        for env in (LINUX, WINDOWS):
            pinned = _pins(lock, env)
            for req in _declared(extras):
                if req.marker is not None and not req.marker.evaluate(env):
                    continue
                name = canonicalize_name(req.name)
                assert name in pinned, f"{req} is not in {lock.name} for {env['sys_platform']}: run make lock"
                assert req.specifier.contains(pinned[name], prereleases=True), f"{name}=={pinned[name]} vs {req}"
                for extra in req.extras:  # psycopg[binary] → psycopg-binary
                    assert canonicalize_name(f"{req.name}-{extra}") in pinned


def test_the_app_and_the_tests_pin_the_same_versions() -> None:
    for env in (LINUX, WINDOWS):
        app, dev = _pins(APP, env), _pins(DEV, env)
        assert {n: dev.get(n) for n in app} == app


def test_the_locks_are_resolved_for_windows_too() -> None:
    linux, windows = _pins(DEV, LINUX), _pins(DEV, WINDOWS)
    assert "pywin32-ctypes" in windows and "pywin32-ctypes" not in linux  # keyring's Credential Manager
    assert "secretstorage" in linux and "secretstorage" not in windows  # keyring's Secret Service
    assert "pyicu" in linux and "pyicu" not in windows  # no Windows build on PyPI: its test skips there
    assert windows["pyside6-essentials"] == linux["pyside6-essentials"]


def test_every_pin_carries_hashes() -> None:
    for lock in (APP, DEV):
        entries = lock.read_text(encoding="utf-8").split("\n")
        pins = [i for i, line in enumerate(entries) if line[:1].isalnum()]
        assert len(pins) > 40
        unhashed = [entries[i] for i in pins if not entries[i + 1].strip().startswith("--hash=sha256:")]
        assert unhashed == []


def _check(lock: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), str(lock)], capture_output=True, text=True, timeout=60)


def test_check_lock_refuses_a_venv_with_another_version_and_ignores_other_platforms(tmp_path: Path) -> None:
    import pytest as installed

    lock = tmp_path / "lock.txt"
    lock.write_text(
        "pytest==0.0.1 \\\n    --hash=sha256:" + "0" * 64 + "\n"
        "not-a-real-package==1.0 ; sys_platform == 'nowhere' \\\n    --hash=sha256:" + "1" * 64 + "\n",
        encoding="utf-8",
    )
    done = _check(lock)
    assert done.returncode == 1
    assert f"pytest: {installed.__version__} installed, the lock pins 0.0.1" in done.stderr

    lock.write_text(f"pytest=={installed.__version__}\nnot-a-real-package==1.0 ; sys_platform == 'nowhere'\n")
    done = _check(lock)
    assert done.returncode == 0, done.stderr


def test_this_venv_is_the_dev_lock() -> None:
    """`make test` and the installer build run in a venv made from requirements/dev.txt."""
    done = _check(DEV)
    assert done.returncode == 0, done.stderr
