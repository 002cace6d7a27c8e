"""Opens every window and dialog of the app on the current display, checks each (tests/support/screen_check.py)
and prints one JSON line: {"checked": [...], "dialog_classes": [...], "covered": [...], "problems": [...]}.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python -m tests.support.screen_driver --langs vi,en

Run by tests/e2e/test_screen_fit.py inside a private Xvfb with openbox (a 40 px taskbar margin); a subprocess
so that a hang is bounded by the test's timeout and the test process never loads the xcb platform. A demo
commune in a temporary folder, a supervisor logged in, both side panels opened, every tab visited.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget, QWidget

Builder = Callable[[Any], QWidget]


def _settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _wait_framed(app: QApplication, w: QWidget, timeout: float = 5.0) -> None:
    """Until the window manager has framed the window and the frame has held still for a moment (openbox
    first maps a 1×1 frame, then sizes it), and the fitter's own re-checks (fit.RECHECK_MS) are done."""
    end = time.monotonic() + timeout
    last, steady = None, 0
    while time.monotonic() < end and steady < 8:
        app.processEvents()
        time.sleep(0.05)
        frame = w.frameGeometry()
        framed = w.isVisible() and frame != w.geometry() and frame.width() > 1 and frame.height() > 1
        steady = steady + 1 if framed and frame == last else 0
        last = frame
    _settle(app, 0.1)


def x_frame(w: QWidget) -> QRect | None:
    """The window's frame as the X server has it, measured outside Qt: the client rectangle (xwininfo) grown
    by the window manager's _NET_FRAME_EXTENTS (xprop). Qt's own cached frame margins are now and then a
    stale 1×1 right after openbox reparents the window."""
    if not (shutil.which("xwininfo") and shutil.which("xprop")) or w.windowHandle() is None:
        return None
    wid = str(int(w.winId()))
    info = subprocess.run(["xwininfo", "-id", wid], capture_output=True, text=True, timeout=10, check=False).stdout
    values = dict(re.findall(r"^\s*(Absolute upper-left X|Absolute upper-left Y|Width|Height):\s*(-?\d+)",
                             info, re.M))
    ext = subprocess.run(["xprop", "-id", wid, "_NET_FRAME_EXTENTS"], capture_output=True, text=True, timeout=10,
                         check=False).stdout
    sides = [int(x) for x in re.findall(r"-?\d+", ext.split("=", 1)[1])] if "=" in ext else []
    if len(values) < 4 or len(sides) != 4:
        return None
    left, right, top, bottom = sides
    x, y = int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"])
    return QRect(x - left, y - top, int(values["Width"]) + left + right, int(values["Height"]) + top + bottom)


def _wait_idle(app: QApplication, runner: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while runner.busy() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def dialog_classes() -> list[str]:
    """Every QDialog / top-level window class defined in desktop.ui (a new one must be covered here)."""
    import desktop.ui as pkg

    found: set[str] = set()
    for info in pkgutil.walk_packages(pkg.__path__, "desktop.ui."):
        if ".i18n" in info.name:
            continue
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if inspect.isclass(obj) and obj.__module__ == mod.__name__ and issubclass(obj, QDialog):
                found.add(name)
    return sorted(found)


class Driver:
    def __init__(self, app: QApplication, tmp: Path) -> None:
        from desktop.services import auth
        from desktop.services.demo import create_demo
        from desktop.storage.db import open_database
        from desktop.ui.actions.login import set_operator
        from desktop.ui.controller import Controller

        self.qapp = app
        self.db = open_database(tmp / "demo.db")
        create_demo(self.db, citizens=300)
        with self.db.session() as s:
            boss = auth.create_operator(s, "Nguyễn Thị Thuỳ Dương", "123456", "supervisor")
            auth.create_operator(s, "Trần Văn Khánh", "4321", "operator", created_by=boss)
            self.boss = auth.OperatorInfo(boss.id, boss.name, boss.role, True, None)
        self.controller = Controller(self.db)
        set_operator(self.controller.app, self.boss)
        self.checked: list[str] = []
        self.covered: set[str] = set()
        self.problems: list[str] = []

    def check(self, what: str, window: QWidget) -> None:
        from tests.support import screen_check

        _wait_framed(self.qapp, window)
        self.checked.append(what)
        self.problems += [f"{what}: {p}" for p in screen_check.problems(window, x_frame(window))]

    def main_window(self, lang_code: str) -> None:
        win = self.controller.open_main_window()
        self.win = win
        self.check(f"[{lang_code}] main window", win)
        for i in range(win.tabs.count()):
            win.tabs.setCurrentIndex(i)
            _wait_idle(self.qapp, self.controller.runner)
            self.check(f"[{lang_code}] main window, tab {i + 1}", win)
        docks = [d for d in win.findChildren(QDockWidget) if d.objectName() in ("syncDock", "peersDock")]
        for dock in docks:
            dock.show()
            dock.raise_()
            _wait_idle(self.qapp, self.controller.runner)
            for i in (0, 3):
                win.tabs.setCurrentIndex(i)
                _wait_idle(self.qapp, self.controller.runner)
                self.check(f"[{lang_code}] main window, tab {i + 1}, panel {dock.objectName()}", win)
        self.covered.add("MainWindow")

    def dialogs(self, lang_code: str) -> None:
        for cls_name, build in self.builders().items():
            dlg = build(self)
            if not dlg.isVisible():
                dlg.show()
            _wait_idle(self.qapp, self.controller.runner)
            self.check(f"[{lang_code}] {cls_name}", dlg)
            self.covered.add(cls_name.split(" ")[0])
            dlg.close()
            dlg.deleteLater()
            self.qapp.processEvents()

    def builders(self) -> dict[str, Builder]:
        from tests.support import screen_dialogs

        return screen_dialogs.BUILDERS

    def close(self) -> None:
        if getattr(self, "win", None) is not None:
            self.win.close()
        self.controller.shutdown()
        self.db.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="vi,en")
    args = ap.parse_args(argv)
    from desktop.ui.support import qtrefs

    qtrefs.pin_singletons()  # as the app does at start (PySide 6.12 on CPython 3.11 loses None references)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    from desktop.ui.support import lang

    report: dict[str, Any] = {"platform": app.platformName(), "dialog_classes": dialog_classes()}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("ENROLLPOINT_DATA_DIR", tmp)
        driver = Driver(app, Path(tmp))
        try:
            for code in args.langs.split(","):
                lang.install(code)
                driver.main_window(code)
                driver.dialogs(code)
            screen = app.primaryScreen()
            report.update(checked=driver.checked, covered=sorted(driver.covered), problems=driver.problems,
                          screen=[screen.geometry().width(), screen.geometry().height()],
                          available=[screen.availableGeometry().width(), screen.availableGeometry().height()],
                          day=dt.date.today().isoformat())
        finally:
            driver.close()
    print("SCREEN-REPORT " + json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
