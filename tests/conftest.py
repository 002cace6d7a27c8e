"""Test-wide set-up: offscreen Qt, a keyring that never touches the real OS store, temp data dirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Secrets in tests go to a plaintext file keyring inside the test's temp dir (never the user's keyring).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"


def pytest_configure(config: pytest.Config) -> None:
    """PySide 6.12 on CPython 3.11 loses references to None/True on emits and void calls; a long test
    session would otherwise abort at exit (the app does the same at start: desktop/ui/qtrefs.py)."""
    try:
        from desktop.ui.support import qtrefs
    except ImportError:  # no Qt installed: the UI tests will skip or fail on their own
        return
    qtrefs.pin_singletons()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data dir and keyring file."""
    data = tmp_path / "data"
    monkeypatch.setenv("ENROLLPOINT_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    from desktop import paths

    paths.set_data_dir(None)


@pytest.fixture
def db(tmp_path: Path):
    """A real, migrated SQLite database file."""
    from desktop.storage.db import open_database

    database = open_database(tmp_path / "test.db")
    yield database
    database.close()
