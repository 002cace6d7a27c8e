"""Render each view with a demo commune at 1366×768 (offscreen) into docs/screenshots/*.png.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--lang en]
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="vi")
    ap.add_argument("--citizens", type=int, default=3000)
    args = ap.parse_args(argv)
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
        dlg.resize(*SIZE)
        dlg.show()
        dlg.filter.setText("khanh hoa")
        dlg._pick_first()
        dlg.add_point("NVH-01", "Nhà văn hoá thôn Bình Ba", "Thôn Bình Ba")
        _settle(app)
        dlg.grab().save(str(OUT / f"first-run{suffix}.png"))
        dlg.close()
        c0.shutdown()
        empty.close()

        db = open_database(Path(tmp) / "demo.db")
        create_demo(db, citizens=args.citizens)
        c = Controller(db)
        win = c.open_main_window()
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
        win.grab().save(str(OUT / f"schedule{suffix}.png"))

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
        win.grab().save(str(OUT / f"checkin{suffix}.png"))

        win.tabs.setCurrentWidget(win.queue)
        win.queue.search.setText("nguyen thi")
        win.queue.run_query()
        _wait(app, c.runner)  # the total is counted on the worker
        _pause(app, 0.2)  # the detail panel follows the selection after a short delay
        win.grab().save(str(OUT / f"queue{suffix}.png"))

        win.tabs.setCurrentWidget(win.progress)
        _settle(app)
        win.grab().save(str(OUT / f"progress{suffix}.png"))
        win.close()
        c.shutdown()
        db.close()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
