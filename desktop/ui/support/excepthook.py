"""Uncaught exceptions (in a slot, a Qt override, any thread): logged to the redacted file log by
`logs.install_excepthooks`, then shown in the standard bug dialog on the GUI thread. The app keeps running.

`install()` at start-up returns the function that restores the previous hooks (tests run `main()` many
times in one process).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog

from desktop import logs
from desktop.ui.support.qtrefs import emit

MAX_OPEN = 3  # dialogs at once


class _Reporter(QObject):
    """Lives on the GUI thread; a report from any thread arrives queued and opens a non-blocking dialog."""

    report = Signal(object, str)

    def __init__(self) -> None:
        super().__init__()
        self.dialogs: list[QDialog] = []  # parentless ones must be kept alive while shown
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def _show(self, exc: BaseException, tb: str) -> None:
        from desktop.ui.dialogs.error import open_error

        if len(self.dialogs) >= MAX_OPEN:  # an error loop: the rest is in the log
            return
        dlg = open_error(QApplication.activeWindow(), exc, tb)
        self.dialogs.append(dlg)
        dlg.finished.connect(lambda _r, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None)


def install() -> Callable[[], None]:
    """Route uncaught exceptions to the log and the bug dialog; returns `restore()`."""
    reporter = _Reporter()  # owned by the hook's closure: it goes away with the hook
    return logs.install_excepthooks(lambda exc, tb: emit(reporter.report, exc, tb))
