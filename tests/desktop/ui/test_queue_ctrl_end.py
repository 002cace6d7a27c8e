"""Ctrl+End in the queue reaches the register's last row with one press, not the last row of the pages
loaded so far (the paged model grows as the view scrolls)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_one_ctrl_end_reaches_the_last_row(qtbot, controller, window):
    queue = window.queue
    window.tabs.setCurrentWidget(queue)
    queue.activate()
    qtbot.waitUntil(lambda: (queue.total() or 0) > 0, timeout=5000)
    total = queue.total()
    assert queue.model.rowCount() < total  # only the first page is loaded
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(0, 0))
    QTest.keyClick(queue.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert queue.table.currentIndex().row() == total - 1
    assert queue.model.rowCount() == total
