"""First run (demo and a real commune) and the language switch."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from desktop import config
from desktop.services.register import points as pts
from desktop.settings_keys import KEY_LANGUAGE
from desktop.storage.db import open_database
from desktop.ui.controller import Controller
from desktop.ui.dialogs.first_run import FirstRunDialog
from tests.support.qt import wait_idle


def _empty(tmp_path: Path):
    return open_database(tmp_path / "fresh.db")


def test_first_run_demo_choice(qtbot, tmp_path):
    db = _empty(tmp_path)
    c = Controller(db)
    assert c.first_run_needed()
    dlg = FirstRunDialog(c.app, demo_citizens=60)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.mouseClick(dlg.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == FirstRunDialog.DialogCode.Accepted, timeout=20000)
    commune = c.commune()
    assert commune is not None and commune.demo
    win = c.open_main_window()
    qtbot.addWidget(win)
    win.queue.activate()
    assert win.queue.model.rowCount() == 50  # one screenful on the UI thread; the total is counted on the worker
    qtbot.waitUntil(lambda: win.queue.total() == 60, timeout=5000)
    assert "60 người" in win.queue.count_label.text()
    win.close()
    c.shutdown()
    db.close()


def test_first_run_manual_commune_choice(qtbot, tmp_path):
    db = _empty(tmp_path)
    c = Controller(db)
    dlg = FirstRunDialog(c.app)
    qtbot.addWidget(dlg)
    dlg.show()
    QTest.keyClicks(dlg.filter, "truong sa khanh hoa")
    QTest.keyClick(dlg.filter, Qt.Key.Key_Return)
    assert dlg.chosen() is not None and dlg.chosen().code == "22736"
    dlg.add_point("DAO-01", "Nhà văn hoá đảo Song Tử Tây", "Song Tử Tây")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result() == FirstRunDialog.DialogCode.Accepted, timeout=10000)
    with db.session() as s:
        commune = config.commune(s)
        codes = [p.code for p in pts.list_points(s)]
    assert commune.code == "22736" and commune.name.endswith("Trường Sa") and not commune.demo
    assert codes == ["TRUSO", "DAO-01"]
    c.shutdown()
    db.close()


def test_language_switch_at_run_time(qtbot, controller, window):
    assert window.tabs.tabText(0) == "&1 Danh sách công dân"
    search_label = window.queue.findChildren(type(window.queue.count_label))[0]
    assert search_label.text() == "Tì&m:"
    window.findChild(QAction, "actLang_en").trigger()
    new = controller.window
    assert new is not window
    assert new.tabs.tabText(0) == "&1 Citizens"
    assert new.queue.findChildren(type(new.queue.count_label))[0].text() == "&Search:"
    assert new.checkin.action_buttons["attended"].text() == "F5  Attended"
    wait_idle(qtbot, controller.runner)
    with controller.db.session() as s:
        assert config.get(s, KEY_LANGUAGE) == "en"  # kept for the next start
    new.findChild(QAction, "actLang_vi").trigger()
    assert controller.window.tabs.tabText(0) == "&1 Danh sách công dân"
    wait_idle(qtbot, controller.runner)


def test_start_up_dialogs_in_english(qtbot, db, app_for):
    from desktop.ui.dialogs.login import FirstOperatorDialog
    from desktop.ui.support import lang

    lang.install("en")
    dlg = FirstOperatorDialog(app_for(db), demo=True)
    qtbot.addWidget(dlg)
    assert dlg.later_button.text() == "Quit" and dlg.ok_button.text() == "Create account"
    assert dlg.windowTitle() == "Create the supervisor account"
