"""Every path the app uses, in one place (after qutebrowser's standarddir), with an override for tests.

The data directory holds the database, its backups, logs and exported files. `--data-dir` on the CLI and
the `ENROLLPOINT_DATA_DIR` environment variable override the platform default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "EnrollPoint"
DB_FILENAME = "enrollpoint.db"

_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    own = False  # the platform's folder for this app: always ours to keep private
    if _override is not None:
        base = _override
    elif os.environ.get("ENROLLPOINT_DATA_DIR"):
        base = Path(os.environ["ENROLLPOINT_DATA_DIR"]).expanduser().resolve()
    else:
        base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        own = True
    # A folder the user named and that already exists (/tmp, a shared 1777 folder, a USB stick) keeps its
    # mode: only what the app creates is tightened (its files are 0600 and its sub-folders 0700 anyway).
    if not base.is_dir():
        base.mkdir(parents=True, exist_ok=True)
        own = True
    if own:
        make_private(base)
    return base


def db_path() -> Path:
    return data_dir() / DB_FILENAME


def backups_dir() -> Path:
    return _sub("backups")


def logs_dir() -> Path:
    return _sub("logs")


def exports_dir() -> Path:
    return _sub("exports")


def _sub(name: str) -> Path:
    p = data_dir() / name
    p.mkdir(parents=True, exist_ok=True)
    make_private(p)
    return p


def make_private(p: Path) -> None:
    """Personal data: the current user's only — folders 0700, files 0600 (no-op off POSIX)."""
    if os.name == "posix":
        try:
            os.chmod(p, 0o700 if p.is_dir() else 0o600)
        except OSError:
            pass


def package_dir() -> Path:
    """The `desktop` package folder, also inside a frozen (PyInstaller) bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "desktop"
    return Path(__file__).resolve().parent


def migrations_dir() -> Path:
    return package_dir() / "storage" / "migrations"


def translations_dir() -> Path:
    return package_dir() / "ui" / "i18n"
