"""Start-up through `desktop.app.main`: first run, first supervisor, login, daily backup, log file.

The dialogs are modal (`exec()`), so a timer drives them like an officer would: it waits for the
expected window, types into it and clicks. Nothing in the app knows it is being tested.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QMessageBox, QWidget

from desktop import paths
from desktop.app import main
from desktop.services import auth
from desktop.storage import backup
from desktop.storage.db import open_database
from tests.support.audit import audit_actions
from tests.support.qt import slot_children as _slot_children
from tests.support.qt import wait_idle

SUPERVISOR, PIN = "Nguyễn Văn Trưởng", "123456"

Step = Callable[[], bool]  # True when done; False to be called again on the next tick


def _visible(name: str) -> QWidget | None:
    for w in QApplication.topLevelWidgets():
        if w.objectName() == name and w.isVisible():
            return w
    return None


class Driver:
    """Runs steps on a 20 ms timer inside whatever event loop is running (dialogs' and the app's)."""

    def __init__(self, steps: list[Step], timeout_s: float = 90.0) -> None:
        self.steps = list(steps)
        self.error: BaseException | str | None = None
        self.deadline = time.monotonic() + timeout_s
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        if not self.steps:
            self.timer.stop()
            return
        try:
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"step {self.steps[0].__name__} never completed")
            if self.steps[0]():
                self.steps.pop(0)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, after the app has closed
            self.error = exc
            self.steps.clear()
            self._abort()

    @staticmethod
    def _abort() -> None:
        """Close whatever is open so `main()` returns instead of hanging the test run."""
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and isinstance(w, QDialog):
                w.reject()
            elif w.isVisible() and isinstance(w, QMainWindow):
                w.close()
                QApplication.quit()


def close_app(record: dict) -> Step:
    """Last step: read the main window, close it and leave the app's event loop."""

    def closing() -> bool:
        win = _visible("mainWindow")
        if win is None:
            return False
        record["operator_label"] = win.findChild(QLabel, "operatorLabel").text()
        record["app"] = win.app
        win.close()
        QApplication.quit()
        return True

    return closing


@pytest.fixture(autouse=True)
def _app_state(qapp):
    # Closing the last window would *post* a Quit event; one left in the queue ends the next test's first
    # dialog at once. The steps call QApplication.quit() themselves (sent at once, never queued).
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(True)
    gc.unfreeze()  # main() freezes the collector's generations once the window is built


def _make_commune_with_supervisor() -> None:
    from desktop.services.demo import create_demo

    db = open_database()
    create_demo(db, citizens=30)
    with db.session() as s:
        auth.create_operator(s, SUPERVISOR, PIN, "supervisor")
    db.close()



def test_fresh_start_creates_the_first_supervisor(qtbot):
    record: dict = {}

    def first_run() -> bool:
        dlg = _visible("firstRunDialog")
        if dlg is None:
            return False
        dlg.demo_button.click()  # `make run`: the officer tries the demo commune
        return True

    def first_supervisor() -> bool:
        dlg = _visible("firstOperatorDialog")
        if dlg is None:
            return False
        record["intro"] = dlg.findChild(QLabel, "firstIntro").text()
        key = dlg.findChild(QLabel, "recoveryKey")
        record["recovery_key_shown"] = key is not None and "-" in key.text()
        dlg.name_edit.setText("Nguyễn Văn An")
        qtbot.keyClicks(dlg.pin_edit, "1234")
        qtbot.keyClicks(dlg.pin_again, "1234")
        dlg.ok_button.click()
        return True

    def backup_made() -> bool:  # the daily copy, after the window has painted
        return bool(_visible("mainWindow")) and bool(backup.list_backups(paths.data_dir() / "backups"))

    driver = Driver([first_run, first_supervisor, backup_made, close_app(record)])
    assert main(["--demo-size", "40"]) == 0
    assert driver.error is None, driver.error
    assert "Xã mẫu" in record["intro"] and "1234" in record["intro"]  # says what to type
    assert record["recovery_key_shown"]
    assert record["operator_label"] == "Cán bộ: Nguyễn Văn An"
    assert record["app"].operator.role == "supervisor" and record["app"].operator_id is not None
    assert record["app"].db.recovery_key is None  # shown once, not kept
    kinds = [b.kind for b in backup.list_backups(paths.data_dir() / "backups")]
    assert kinds == ["auto"]
    log = (paths.data_dir() / "logs" / "enrollpoint.log").read_text(encoding="utf-8")
    assert "backup written" in log
    assert "recovery_key.show" in audit_actions()


def test_login_wrong_then_right_pin(qtbot):
    _make_commune_with_supervisor()
    record: dict = {}

    def wrong_pin() -> bool:
        dlg = _visible("loginDialog")
        if dlg is None:
            return False
        dlg.name_box.setCurrentText(SUPERVISOR)
        qtbot.keyClicks(dlg.pin_edit, "0000")
        dlg.ok_button.click()  # the login runs on the worker: the answer comes on a later tick
        return True

    def refused() -> bool:
        dlg = _visible("loginDialog")
        if dlg is None or not dlg.message.text():
            return False
        record["wrong"] = dlg.message.text()
        record["still_open"] = dlg.isVisible()
        return True

    def right_pin() -> bool:
        dlg = _visible("loginDialog")
        qtbot.keyClicks(dlg.pin_edit, PIN)
        dlg.ok_button.click()
        return True

    driver = Driver([wrong_pin, refused, right_pin, close_app(record)])
    assert main([]) == 0
    assert driver.error is None, driver.error
    assert record["still_open"] and "không đúng" in record["wrong"] and "còn 4 lần" in record["wrong"]
    assert record["operator_label"] == f"Cán bộ: {SUPERVISOR}"
    assert record["app"].operator.name == SUPERVISOR
    actions = audit_actions()
    assert "login.failed" in actions and "login" in actions


def test_cancelled_login_exits_without_a_window(qtbot):
    _make_commune_with_supervisor()
    windows_before = {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)}

    def cancel() -> bool:
        dlg = _visible("loginDialog")
        if dlg is None:
            return False
        dlg.buttons.button(dlg.buttons.StandardButton.Cancel).click()  # "Thoát"
        return True

    driver = Driver([cancel])
    assert main([]) == 0
    assert driver.error is None, driver.error
    new = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and id(w) not in windows_before]
    assert new == []
    assert "login" not in audit_actions()


def test_every_event_carries_the_operator(qtbot, controller, window, monkeypatch):
    from desktop.models import StatusEvent
    from desktop.ui.actions.login import set_operator

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    # a session today that has already ended (the test may run after 15:00) is created once confirmed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    with controller.db.session() as s:
        boss = auth.create_operator(s, SUPERVISOR, PIN, "supervisor")
        info = auth.OperatorInfo(boss.id, boss.name, boss.role, True, None)
        last_event = max(e.id for e in s.query(StatusEvent))
    set_operator(controller.app, info)
    runner = controller.runner
    sched = window.schedule
    window.tabs.setCurrentWidget(sched)

    def new_session(day: QDate) -> None:
        before = sched.sessions.count()
        sched.point.setCurrentIndex(sched.point.count() - 1)
        sched.day.setDate(day)
        sched.start.setTime(QTime(13, 0))
        sched.end.setTime(QTime(15, 0))
        sched.kits.setValue(3)
        sched.per_person.setValue(1)  # 90 people per slot: room left for the move below
        sched.create_session()
        wait_idle(qtbot, runner)
        qtbot.waitUntil(lambda: sched.sessions.count() == before + 1, timeout=3000)

    new_session(QDate.currentDate())
    sched.auto_assign()  # scheduled
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: len(_slot_children(sched.tree)) > 2, timeout=5000)
    first, second = _slot_children(sched.tree)[:2]
    code = first.text(3)  # read now: the tree is rebuilt after the move
    sched._move(second.data(0, Qt.ItemDataRole.UserRole), sched.tree.topLevelItem(3).data(0, Qt.ItemDataRole.UserRole + 1))
    wait_idle(qtbot, runner)  # rescheduled
    today_sid = sched.session_id()
    ci = window.checkin
    window.tabs.setCurrentWidget(ci)
    ci.set_session(today_sid)
    ci.input.setText(code)
    ci._enter()
    ci.mark("no_show")  # no-show, from the check-in view
    wait_idle(qtbot, runner)
    window.tabs.setCurrentWidget(sched)
    new_session(QDate.currentDate().addDays(1))
    sched.select_session(today_sid)
    qtbot.waitUntil(lambda: sched.session_id() == today_sid, timeout=3000)
    sched.reschedule_no_shows()  # rescheduled into tomorrow's session
    wait_idle(qtbot, runner)
    model = window.queue.model
    new_one = next(model.row_at(i) for i in range(model.rowCount()) if model.row_at(i).status == "new")
    window.queue._record(new_one.id, "deferred")  # from the citizen panel
    wait_idle(qtbot, runner)
    with controller.db.session() as s:
        made = [(e.event_type, e.operator_id) for e in s.query(StatusEvent).filter(StatusEvent.id > last_event)]
    events = {e for e, _ in made}
    assert {"scheduled", "rescheduled", "no_show", "deferred"} <= events, made
    assert all(op == boss.id for _, op in made), made
    assert not warnings


def test_day_close_makes_the_daily_backup(qtbot, controller, window):
    from desktop.ui.actions import sync as sync_actions

    folder = backup.backup_dir(controller.db)
    assert not backup.list_backups(folder)
    sync_actions.ask_close_day(window.shell, dt.date.today(), None, confirm=False)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: bool(backup.list_backups(folder)), timeout=10_000)
    assert [b.kind for b in backup.list_backups(folder)] == ["auto"]


def test_commune_set_up_needs_a_supervisor_once_accounts_exist(qtbot, tmp_path, monkeypatch):
    from desktop.ui.controller import Controller

    db = open_database(tmp_path / "no-commune.db")
    with db.session() as s:
        boss = auth.create_operator(s, SUPERVISOR, PIN, "supervisor")
        clerk = auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
        clerk_info = auth.OperatorInfo(clerk.id, clerk.name, clerk.role, True, None)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    c = Controller(db)
    c.app.operator = clerk_info
    assert c.first_run_needed() and not c.run_first_run()
    assert warnings and "người phụ trách" in warnings[0]
    c.shutdown()
    db.close()


def test_quitting_the_first_supervisor_dialog_opens_no_window(qtbot):
    """The app has roles: without a supervisor it does not open (the dialog returns at the next start)."""
    windows_before = {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)}
    seen: dict = {}

    def first_run() -> bool:
        dlg = _visible("firstRunDialog")
        if dlg is None:
            return False
        dlg.demo_button.click()
        return True

    def quit_first_operator() -> bool:
        dlg = _visible("firstOperatorDialog")
        if dlg is None:
            return False
        seen["label"] = dlg.later_button.text()
        dlg.later_button.click()
        return True

    driver = Driver([first_run, quit_first_operator])
    assert main(["--demo-size", "30"]) == 0
    assert driver.error is None, driver.error
    assert seen["label"] == "Thoát"
    new = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and id(w) not in windows_before]
    assert new == []


def test_recovery_key_made_while_accounts_exist_goes_to_a_supervisor(qtbot, controller, window):
    from desktop.ui.actions.login import show_pending_recovery_key

    app = controller.app
    with app.db.session() as s:
        boss = auth.create_operator(s, SUPERVISOR, PIN, "supervisor")
        clerk = auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
        boss_info = auth.OperatorInfo(boss.id, boss.name, boss.role, True, None)
        clerk_info = auth.OperatorInfo(clerk.id, clerk.name, clerk.role, True, None)
    app.db.recovery_key = "ABCD-EFGH-JKLM"
    app.operator, app.operator_id = clerk_info, clerk_info.id
    assert show_pending_recovery_key(app, window) is None and app.db.recovery_key  # not for an operator
    app.operator, app.operator_id = boss_info, boss_info.id
    box = show_pending_recovery_key(app, window)
    assert box is not None and box.isVisible() and "ABCD-EFGH-JKLM" in box.text()
    assert app.db.recovery_key is None
    box.close()
    assert show_pending_recovery_key(app, window) is None  # once
