"""The hub-only install: requirements/hub.txt (from requirements/hub.in by `make lock`) pins what the hub
imports and nothing of the desktop app (no PySide6, keyring, SQLCipher), at the versions the tests ran; and the
hub starts and answers with nothing importable beyond that lock (every other third-party module blocked)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import time
import tomllib
from importlib import metadata
from pathlib import Path

import requests
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
HUB_IN, HUB, DEV = (ROOT / "requirements" / n for n in ("hub.in", "hub.txt", "dev.txt"))
HUB_PACKAGES = ("province", "sync", "common", "paper")
# (python-calamine is the hub's too: the targets import reads XLSX with it, province/targets_read.py.)
DESKTOP_ONLY = {"pyside6", "pyside6-essentials", "pyside6-pdf", "shiboken6", "keyring", "sqlcipher3",
                "secretstorage", "pywin32-ctypes"}
LINUX = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11", "python_full_version": "3.11.7",
         "implementation_name": "cpython", "platform_python_implementation": "CPython"}
WINDOWS = {**LINUX, "sys_platform": "win32", "platform_system": "Windows"}


def _pins(lock: Path, env: dict[str, str]) -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "installer" / "check_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pins: dict[str, str] = module.pins(lock, env)
    return pins


def _hub_in() -> list[Requirement]:
    return [Requirement(line) for line in HUB_IN.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def test_the_hub_lock_holds_nothing_of_the_desktop_app() -> None:
    for env in (LINUX, WINDOWS):
        pins = _pins(HUB, env)
        assert len(pins) > 20
        assert DESKTOP_ONLY.isdisjoint(pins), sorted(DESKTOP_ONLY & set(pins))


def test_hub_in_keeps_the_bounds_of_pyproject_and_the_lock_the_versions_of_the_tests() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(r.name): r for r in map(Requirement, [*project["dependencies"],
                                                                        *project["optional-dependencies"]["postgres"]])}
    for req in _hub_in():
        name = canonicalize_name(req.name)
        assert name in declared, f"{req} is in requirements/hub.in but not in pyproject.toml"
        assert req.specifier == declared[name].specifier and req.extras == declared[name].extras, (req, declared[name])
    for env in (LINUX, WINDOWS):
        hub, dev = _pins(HUB, env), _pins(DEV, env)
        for req in _hub_in():
            assert canonicalize_name(req.name) in hub, f"{req.name} missing from hub.txt: run make lock"
        assert {n: dev.get(n) for n in hub} == hub  # one set of versions: what the tests ran
    entries = HUB.read_text(encoding="utf-8").split("\n")
    unhashed = [entries[i] for i, line in enumerate(entries)
                if line[:1].isalnum() and not entries[i + 1].strip().startswith("--hash=sha256:")]
    assert unhashed == []


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for package in HUB_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in HUB_PACKAGES}


def test_the_hub_lock_covers_every_module_the_hub_imports() -> None:
    pins, owners = _pins(HUB, LINUX), metadata.packages_distributions()
    missing = {m: owners.get(m) for m in _third_party_imports()
               if not any(canonicalize_name(d) in pins for d in owners.get(m, []))}
    assert missing == {}
    assert "desktop" not in _third_party_imports() and "PySide6" not in _third_party_imports()


BLOCKER = textwrap.dedent('''
    import importlib.abc, json, sys
    from importlib import metadata
    allowed_dists, log = set(json.loads(sys.argv[1])), sys.argv[2]
    owners = metadata.packages_distributions()
    own = {"province", "sync", "common", "paper", "tests"}

    def norm(name):
        return name.lower().replace("_", "-").replace(".", "-")

    class OnlyTheHubLock(importlib.abc.MetaPathFinder):
        """Any third-party module whose distribution is not in requirements/hub.txt is not installed."""
        def find_spec(self, fullname, path=None, target=None):
            top = fullname.split(".")[0]
            if top in sys.stdlib_module_names or top in own or top.startswith("_"):
                return None
            if any(norm(d) in allowed_dists for d in owners.get(top, [])):
                return None
            with open(log, "a") as f:
                f.write(top + "\\n")
            raise ModuleNotFoundError(f"not in the hub lock: {top}", name=fullname)

    sys.meta_path.insert(0, OnlyTheHubLock())
    sys.argv = ["enrollpoint-hub", *sys.argv[3:]]
    from province.cli import main
    sys.exit(main())
''')


def test_the_hub_starts_and_answers_with_only_the_hub_lock_installed(tmp_path: Path) -> None:
    pins = sorted(_pins(HUB, LINUX))
    blocked = tmp_path / "blocked.txt"
    blocked.touch()
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    env = {**os.environ, "ENROLLPOINT_HUB_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("ENROLLPOINT_HUB_TRUSTED_PROXIES", None)

    def hub(*args: str) -> list[str]:
        return [sys.executable, "-c", BLOCKER, json.dumps(pins), str(blocked), "--db", db, *args]

    init = subprocess.run(hub("init"), capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert init.returncode == 0, init.stderr
    from tests.support.hub_process import free_port

    port = free_port()
    proc = subprocess.Popen(hub("serve", "--port", str(port), "--no-access-log"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=tmp_path, env=env)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and health is None:
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            except requests.RequestException:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200
        assert requests.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
        assert requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(20)
    tried = set(blocked.read_text().split())
    assert tried.isdisjoint({"desktop", "PySide6", "shiboken6", "keyring", "sqlcipher3"}), tried
