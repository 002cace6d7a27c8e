"""Refuse to freeze the app from a venv that is not the lock: every package the lock pins for this
platform must be installed at exactly that version (pip, setuptools and wheel excepted: they install,
they are not shipped). installer/build_linux.sh runs it before PyInstaller.

    python installer/check_lock.py [requirements/dev.txt]      # exit 1 and one line per difference
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = {"pip", "setuptools", "wheel"}


def pins(lock: Path, environment: dict[str, str] | None = None) -> dict[str, str]:
    """{name: version} of the lock's pins whose marker holds in `environment` (default: this interpreter)."""
    out: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line[:1].isalnum():
            continue  # hashes, comments, "# via" lines
        req = Requirement(line.rstrip(" \\"))
        if req.marker is not None and not req.marker.evaluate(environment):
            continue
        (spec,) = req.specifier
        out[canonicalize_name(req.name)] = spec.version
    return out


def differences(lock: Path) -> list[str]:
    """One line per pinned package that is missing or installed at another version."""
    out = []
    for name, wanted in sorted(pins(lock).items()):
        if name in NOT_SHIPPED:
            continue
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(f"{name}: not installed, the lock pins {wanted}")
            continue
        if have != wanted:
            out.append(f"{name}: {have} installed, the lock pins {wanted}")
    return out


def main(argv: list[str]) -> int:
    lock = Path(argv[0]) if argv else ROOT / "requirements" / "dev.txt"
    found = differences(lock)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"this venv is not {lock.name}: rebuild it (make installer)", file=sys.stderr)
        return 1
    print(f"venv matches {lock.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
