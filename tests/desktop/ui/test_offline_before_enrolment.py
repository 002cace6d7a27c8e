"""Before the laptop is enrolled: the USB file and the day code say what to do first, with a button that does
it, and never open a Save dialog for a file they would not write; the one-time code reads as typed; making a
group checks the keyring before asking "Tiếp tục?" and speaks of the group code, not the database key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from desktop.storage import keys
from desktop.ui.dialogs.day_point import DayPointDialog
from desktop.ui.views.peers import PeersPanel


def test_usb_file_and_day_code_ask_for_enrolment_first_and_open_no_save_dialog(qtbot, window, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (opened.append("save"), ("", ""))[1])
    monkeypatch.setattr(DayPointDialog, "exec", lambda self: opened.append("day") or 0)
    panel = window.shell.sync_panel
    for ask in (panel._ask_bundle, panel._ask_day_code):
        ask()
        box = panel.enrol_first_box
        assert box.isVisible() and "chưa được kết nối" in box.text()
        assert opened == []
        qtbot.mouseClick(box.defaultButton(), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.enrol_dialog is not None and panel.enrol_dialog.isVisible(), timeout=3000)
        panel.enrol_dialog.close()


def test_the_one_time_code_is_shown_as_typed_in_groups(qtbot, window):
    dialog = window.shell.sync_panel.open_enrol_by_file()
    field = dialog.code_edit
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    QTest.keyClicks(field, "abcd efgh1234")
    assert field.text() == "ABCD-EFGH-1234"
    dialog.close()


def test_making_a_group_checks_the_keyring_before_asking_and_names_the_group_code(qtbot, window, monkeypatch):
    asked: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(keys, "secure_store_available", lambda _backend: False)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    panel = window.findChild(PeersPanel)
    panel.ask_create()
    assert asked == [], asked
    assert len(warned) == 1 and "mã nhóm máy" in warned[0] and "cơ sở dữ liệu" not in warned[0], warned
