"""Render each view with a demo commune at 1366×768 into docs/screenshots/*.png.

    python scripts/screenshots.py --real-display [--lang en]   # Xvfb + openbox: the whole screen, frames
    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py     # offscreen: each window's own pixels only

--real-display starts a private Xvfb at 1366×768 with openbox keeping a 40 px taskbar strip out of the work
area (scripts/x11_window_check.py) and reruns this script there with Qt's xcb platform; each picture is then
the whole screen as the officer sees it — the window manager's frame and title bar included, the empty strip
at the bottom where the taskbar would be — so a window taller than the screen shows up as such.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
TASKBAR = 40  # px at the bottom of the real display kept out of the work area, as a Windows taskbar


def _settle(app, n: int = 5) -> None:
    for _ in range(n):
        app.processEvents()


def _pause(app, seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _wait(app, runner) -> None:
    import time

    deadline = time.monotonic() + 60
    while runner.busy() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    _settle(app)


def _on_real_display(argv: list[str]) -> int:
    """Run this script again on a private Xvfb + openbox (bounded in time)."""
    import importlib.util
    import subprocess

    spec = importlib.util.spec_from_file_location("x11_window_check", ROOT / "scripts" / "x11_window_check.py")
    assert spec and spec.loader
    x11 = importlib.util.module_from_spec(spec)
    sys.modules["x11_window_check"] = x11
    spec.loader.exec_module(x11)
    with x11.xvfb(screen=f"{SIZE[0]}x{SIZE[1]}x24") as display, x11.openbox(display, TASKBAR):
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "EP_SCREENSHOT_CHILD": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
        return subprocess.run([sys.executable, __file__, *argv], env=env, timeout=900, check=False).returncode


def _shot(app, widget, path: Path) -> None:
    """The whole screen on a real display (frames visible), else the widget's own pixels."""
    if app.platformName() == "xcb":
        widget.raise_()
        widget.activateWindow()
        _pause(app, 0.6)  # the window manager frames and places it
        app.primaryScreen().grabWindow(0).save(str(path))
    else:
        widget.grab().save(str(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="vi")
    ap.add_argument("--citizens", type=int, default=3000)
    ap.add_argument("--real-display", action="store_true", help="Xvfb 1366×768 + openbox, frames visible")
    args = ap.parse_args(argv)
    if args.real_display and not os.environ.get("EP_SCREENSHOT_CHILD"):
        return _on_real_display(sys.argv[1:] if argv is None else argv)
    real = os.environ.get("QT_QPA_PLATFORM") == "xcb"
    from PySide6.QtCore import QDate, QTime
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from desktop.services import scheduling
    from desktop.services.demo import create_demo
    from desktop.storage.db import open_database
    from desktop.ui.controller import Controller
    from desktop.ui.dialogs.first_run import FirstRunDialog
    from desktop.ui.support import lang

    lang.install(args.lang)
    suffix = "" if args.lang == "vi" else f"-{args.lang}"
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # first run, on an empty database
        empty = open_database(Path(tmp) / "empty.db")
        c0 = Controller(empty)
        dlg = FirstRunDialog(c0.app)
        if not real:
            dlg.resize(*SIZE)
        dlg.show()
        dlg.filter.setText("khanh hoa")
        dlg._pick_first()
        dlg.add_point("NVH-01", "Nhà văn hoá thôn Bình Ba", "Thôn Bình Ba")
        _settle(app)
        _shot(app, dlg, OUT / f"first-run{suffix}.png")
        dlg.close()
        c0.shutdown()
        empty.close()

        db = open_database(Path(tmp) / "demo.db")
        create_demo(db, citizens=args.citizens)
        c = Controller(db)
        win = c.open_main_window()
        if not real:
            win.resize(*SIZE)
        _settle(app)
        # a session today with bookings, and a few check-ins, so every screen has something to show
        sched = win.schedule
        win.tabs.setCurrentWidget(sched)
        with db.session() as s:
            taken = {x.point_id for x in scheduling.list_enrollment_sessions(s, dt.date.today(), dt.date.today())}
        for i in range(sched.point.count()):
            if sched.point.itemData(i) not in taken:
                sched.point.setCurrentIndex(i)
                break
        sched.day.setDate(QDate.currentDate())
        sched.start.setTime(QTime(7, 30))
        sched.end.setTime(QTime(11, 30))
        sched.kits.setValue(2)
        # a morning session whatever the hour the pictures are taken: after 11:30 the view asks whether to
        # record a session that has ended, in a modal box nobody would answer here
        sched._day_and_hours_make_sense = lambda now=None: True  # type: ignore[method-assign]
        sched.create_session()
        _wait(app, c.runner)
        sched.auto_assign()
        _wait(app, c.runner)
        people = []
        for i in range(sched.tree.topLevelItemCount()):
            top = sched.tree.topLevelItem(i)
            people += [top.child(j).text(3) for j in range(top.childCount())]
        sched.tree.setCurrentItem(sched.tree.topLevelItem(0).child(0) if sched.tree.topLevelItemCount() else None)
        _settle(app)
        _shot(app, win, OUT / f"schedule{suffix}.png")

        sched.open_checkin.emit(sched.session_id())
        ci = win.checkin
        for k, code in enumerate(people[:6]):
            ci.input.setText(code)
            ci._enter()
            ci.mark("attended")
            _wait(app, c.runner)
            if k % 3 != 2:
                ci.mark("card_captured")
                _wait(app, c.runner)
        if len(people) > 6:
            ci.input.setText(people[6])
            ci._enter()
            ci.mark("no_show")
            _wait(app, c.runner)
        if len(people) > 7:
            ci.input.setText(people[7])
            ci._enter()
        _settle(app)
        _shot(app, win, OUT / f"checkin{suffix}.png")

        win.tabs.setCurrentWidget(win.queue)
        win.queue.search.setText("nguyen thi")
        win.queue.run_query()
        _wait(app, c.runner)  # the total is counted on the worker
        _pause(app, 0.2)  # the detail panel follows the selection after a short delay
        _shot(app, win, OUT / f"queue{suffix}.png")

        win.tabs.setCurrentWidget(win.progress)
        _settle(app)
        _shot(app, win, OUT / f"progress{suffix}.png")
        _more_shots(app, c, win, suffix)
        win.close()
        c.shutdown()
        db.close()
    print(f"screenshots written to {OUT}")
    return 0


def _more_shots(app, c, win, suffix: str) -> None:
    """The side panels beside the queue, the walk-in form with an error, print preview, the login."""
    import datetime as dt

    from desktop.ui.actions.printing import open_preview
    from desktop.ui.dialogs.login import LoginDialog
    from desktop.ui.dialogs.walk_in import WalkInDialog
    from desktop.ui.operations import printing as printing_ops

    win.tabs.setCurrentWidget(win.queue)
    win.shell.sync_dock.show()
    _pause(app, 0.3)
    _shot(app, win, OUT / f"queue-panel{suffix}.png")
    win.shell.sync_dock.hide()
    walk = WalkInDialog(win, ["Thôn Võ Cạnh", "Thôn Vĩnh Cát"])
    walk.show()
    walk.inputs["full_name"].setText("Nguyễn Thị Thuỳ")
    walk.inputs["id_number"].setText("999000123456")
    walk._try_accept()
    _shot(app, walk, OUT / f"walk-in{suffix}.png")
    walk.close()
    preview = open_preview(c.runner, printing_ops.due_list_pdf(dt.date.today()), title="Danh sách cần đến",
                           file_name="danh-sach.pdf", parent=win)
    _wait(app, c.runner)
    _shot(app, preview, OUT / f"print-preview{suffix}.png")
    preview.close()
    login = LoginDialog(c.app, win)
    login.show()
    _shot(app, login, OUT / f"login{suffix}.png")
    login.close()


if __name__ == "__main__":
    sys.exit(main())
