"""The operations runner: results, progress and errors come back to the GUI thread as messages."""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.changes import Changes
from desktop.errors import ValidationError
from desktop.ui.dialogs.error import BugDialog
from desktop.ui.support.errors import user_message
from desktop.ui.support.runner import OpResult, OpRunner
from tests.support.qt import wait_idle


def test_success_runs_on_worker_and_announces_changes(qtbot, demo_db):
    runner = OpRunner(demo_db)
    seen: dict = {}

    def work(job):
        seen["thread"] = threading.current_thread()
        for i in range(5):
            job.progress(i + 1, 5)
        return OpResult(42, Changes(citizens=True))

    progress: list = []
    got: list = []
    with qtbot.waitSignal(runner.changed, timeout=5000) as blocker:
        runner.op(work).progress(lambda d, t, _x: progress.append((d, t))).success(got.append).run()
    wait_idle(qtbot, runner)
    assert blocker.args[0].citizens and not blocker.args[0].schedule
    assert got == [42]
    assert seen["thread"] is not threading.main_thread()
    assert progress and progress[-1] == (5, 5)
    runner.shutdown()


def test_known_error_becomes_vietnamese_message(qtbot, demo_db, monkeypatch):
    shown: list = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = OpRunner(demo_db)

    def bad(_job):
        raise ValidationError("day", "x", "Ngày của buổi thu nhận không hợp lệ")

    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.op(bad, parent).run()
    assert shown == ["Ngày của buổi thu nhận không hợp lệ"]
    runner.shutdown()


def test_bug_in_worker_opens_traceback_dialog_not_a_crash(qtbot, demo_db):
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = OpRunner(demo_db)

    def buggy(_job):
        return {}["missing"]

    with qtbot.waitSignal(runner.failed, timeout=5000):
        runner.op(buggy, parent).run()
    dlg = parent.findChild(BugDialog)
    assert dlg is not None and dlg.isVisible()
    assert "KeyError" in dlg.text.toPlainText() and "buggy" in dlg.text.toPlainText()
    assert dlg.text.isReadOnly()
    dlg.close()
    runner.shutdown()


def test_error_classification():
    locked = sqlite3.OperationalError("database is locked")
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = locked
    assert "bận" in user_message(wrapped)
    full = OSError(28, "No space left on device")
    assert "đầy" in user_message(full)
    assert "quyền" in user_message(PermissionError(13, "denied", "/x/y.csv"))
    assert user_message(ZeroDivisionError()) is None


def test_shutdown_waits_and_cancels(qtbot, demo_db):
    runner = OpRunner(demo_db)
    started = threading.Event()

    def slow(job):
        started.set()
        for _ in range(500):
            if job.cancelled():
                return "cancelled"
            QThread.msleep(10)
        return "done"

    runner.op(slow).run()
    assert started.wait(5)
    runner.shutdown()
    assert runner.pool.activeThreadCount() == 0
