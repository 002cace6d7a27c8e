"""Every window's Alt+letter keys are unique at any moment (a clash, like Alt+T for both "Tạo buổi" and the
"Tệp" menu, makes the first press only move the focus): the main window on each tab with its panels open,
and the dialogs with fields, in Vietnamese and in English."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from desktop.ui.dialogs.day_point import DayPointDialog
from desktop.ui.dialogs.walk_in import WalkInDialog
from tests.support.mnemonics import clashes, offered
from tests.support.qt import wait_idle


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_two_controls_of_a_window_share_a_mnemonic(qtbot, controller, window, language):
    if language == "en":
        window.findChild(QAction, "actLang_en").trigger()
        window = controller.window
        with qtbot.waitExposed(window):
            pass
    for dock in window.findChildren(QDockWidget):
        dock.show()
    found = {}
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        wait_idle(qtbot, controller.runner)
        assert len(offered(window)) > 8  # menus, tabs and the tab's own fields were seen
        if clashes(window):
            found[window.tabs.tabText(i)] = clashes(window)
    for dlg in (WalkInDialog(window, ["Thôn 1"]), DayPointDialog(controller.app, "x", window, village=True),
                window.shell.sync_panel.open_enrol_by_file()):
        dlg.show()
        if clashes(dlg):
            found[dlg.windowTitle()] = clashes(dlg)
        dlg.close()
    assert found == {}
