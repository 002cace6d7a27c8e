"""Uncaught errors (GUI thread or any other): written to the redacted log, shown in the bug dialog."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QApplication

from desktop import logs
from desktop.ui.dialogs.error import BugDialog
from desktop.ui.support import excepthook


def _bug_dialogs() -> list[BugDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, BugDialog) and w.isVisible()]


def test_uncaught_errors_are_logged_redacted_and_shown(qtbot, tmp_path):
    log_file = logs.setup_logging(tmp_path)
    before = sys.excepthook, threading.excepthook
    restore = excepthook.install()
    try:
        try:
            raise ValueError("no citizen with id 012345678901")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # what Qt does with an exception escaping a slot
        qtbot.waitUntil(lambda: len(_bug_dialogs()) == 1, timeout=3000)
        assert "ValueError" in _bug_dialogs()[0].text.toPlainText()

        worker = threading.Thread(target=lambda: 1 / 0, name="probe")
        worker.start()
        worker.join(5)
        qtbot.waitUntil(lambda: len(_bug_dialogs()) == 2, timeout=3000)
        assert any("ZeroDivisionError" in d.text.toPlainText() for d in _bug_dialogs())
    finally:
        for d in _bug_dialogs():
            d.close()
        restore()
        logs.shutdown_logging()
    assert (sys.excepthook, threading.excepthook) == before
    text = log_file.read_text(encoding="utf-8")
    assert "unexpected error (main thread)" in text and "ValueError" in text
    assert "unexpected error (thread probe)" in text and "ZeroDivisionError" in text
    assert "012345678901" not in text  # the log is redacted
