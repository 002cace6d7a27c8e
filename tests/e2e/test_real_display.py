"""The real app on a real X display: Qt's xcb platform plugin loads and the first window appears.

Every other test runs Qt offscreen, so a missing xcb library (as on a fresh Debian desktop: libxcb-cursor0, libxcb-icccm4, ...)
went unseen until a user ran `make run` on a desktop. Here the installed `enrollpoint` starts as a
subprocess under a private Xvfb (free display number) with QT_QPA_PLATFORM=xcb and a temp data dir, and
`xwininfo` (outside the app) must see its window within a bounded time; then the app is stopped.
Needs the Debian packages xvfb and x11-utils (scripts/system-deps.sh test installs them): skipped without
them on a developer machine, a failure in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.x11_tool import x11_tool

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 / xcb: Linux")



def _require_x(tool) -> None:
    missing = tool.tools_missing()
    if missing:
        msg = f"{' '.join(missing)} not installed (bash scripts/system-deps.sh test)"
        if os.environ.get("CI"):
            pytest.fail("CI must run the real-display test: " + msg)
        pytest.skip(msg)


def _qt_dir() -> Path:
    import PySide6

    return Path(PySide6.__file__).resolve().parent / "Qt"


def test_xcb_plugin_has_its_libraries():
    """ldd of the xcb platform plugin and its QPA library: nothing "not found" (system-deps.sh run)."""
    qt = _qt_dir()
    libs = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]]
    missing: set[str] = set()
    for lib in libs:
        assert lib.is_file(), lib
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, check=False, timeout=30).stdout
        missing |= {line.split()[0] for line in out.splitlines() if "not found" in line}
    assert not missing, f"libraries missing for Qt's xcb plugin (add their Debian packages): {sorted(missing)}"


def test_app_shows_its_window_on_xvfb(tmp_path: Path):
    tool = x11_tool()
    _require_x(tool)
    app = Path(sys.executable).parent / "enrollpoint"
    assert app.is_file(), f"{app}: the console script of `pip install -e .`"
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    with tool.xvfb() as display:
        res = tool.run_until_window([str(app), "--data-dir", str(data)], display, timeout=90, env=env)
    assert "could not load the Qt platform plugin" not in res.output, res.output[-3000:]
    assert res.seen, (
        f"no EnrollPoint window on {display} (exit code {res.exit_code}, {res.seconds:.1f} s); output:\n"
        + res.output[-3000:]
    )
    print(f"window after {res.seconds:.1f} s: {[w.name for w in res.windows]}")
    assert (data / "enrollpoint.db").is_file()  # the real start-up ran: database created in the temp dir
