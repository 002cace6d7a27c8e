"""Without a secure OS keyring the database stays plain, and the window says so at every start."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from desktop.ui.actions.login import warn_unencrypted
from desktop.ui.support import lang


def test_warning_names_the_risk_in_vietnamese_and_english(qtbot):
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    box = warn_unencrypted(win)
    assert box.isVisible() and "CHƯA được mã hoá" in box.text()
    assert win.statusBar().currentMessage() == "Dữ liệu chưa được mã hoá"
    box.close()
    lang.install("en")
    try:
        box = warn_unencrypted(win)
        assert "NOT encrypted" in box.text()
        box.close()
    finally:
        lang.install("vi")
