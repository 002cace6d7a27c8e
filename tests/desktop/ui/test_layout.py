"""The UI's house rules, checked on the source: one runner, one read path, no SQL, an explicit menu list."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[3] / "desktop" / "ui"


def _sources() -> dict[str, str]:
    return {p.relative_to(UI).as_posix(): p.read_text(encoding="utf-8")
            for p in UI.rglob("*.py") if "i18n" not in p.parts}


def test_only_the_read_path_and_operations_open_sessions():
    opening = {name for name, text in _sources().items() if re.search(r"\.session\(\)", text)}
    assert opening <= {"support/context.py", "support/runner.py"} | {
        n for n in opening if n.startswith("operations/")}, opening


def test_no_sqlalchemy_no_thread_pools_no_stray_emits():
    for name, text in _sources().items():
        assert "sqlalchemy" not in text, name
        if name != "support/runner.py":
            assert "QThreadPool(" not in text and "QRunnable" not in text, f"{name}: use the runner"
        if name != "support/qtrefs.py":
            assert ".emit(" not in text, f"{name}: emit through qtrefs.emit"


def test_every_package_says_what_lives_there_and_modules_stay_small():
    for init in UI.rglob("__init__.py"):
        assert init.read_text(encoding="utf-8").strip(), init
    for name, text in _sources().items():
        assert text.count("\n") <= 400, name


def test_menus_are_an_explicit_list():
    from desktop.ui import menus

    assert [name for name, _install in menus.INSTALLERS] == ["audit", "login", "printing", "sync", "peers"]
    assert "pkgutil" not in _sources()["shell.py"] and "importlib" not in _sources()["shell.py"]
