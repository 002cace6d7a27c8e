"""Long work before any window exists (opening the database; converting a plain one to encrypted takes
seconds on a big register), run off the UI thread behind a visible progress dialog.

The operation runner needs an open database, so this is its small sibling for the one step before it:
a plain thread runs the work while a local event loop keeps the UI thread painting and the busy bar
moving; the result (or the error) comes back to the caller as if the call had been made directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.ui.support.lang import translator

T = TypeVar("T")
_ = translator("StartupWork")
POLL_MS = 10


def run_with_progress(work: Callable[[], T], label: str, *, show_after_ms: int = 0,
                      parent: QWidget | None = None) -> T:
    """`work()` on a worker thread; until it ends, the UI thread runs its event loop under a busy dialog
    (shown after `show_after_ms`). Returns its value or raises its exception."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread as is
            box["error"] = exc

    thread = threading.Thread(target=target, name="startup-work", daemon=True)
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setObjectName("startupProgress")
    dialog.setWindowTitle("EnrollPoint")
    dialog.setCancelButton(None)  # half a conversion cannot be left: it finishes or fails whole
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(max(0, show_after_ms))
    dialog.setAutoClose(False)
    loop = QEventLoop()
    poll = QTimer(interval=POLL_MS)
    poll.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    if show_after_ms <= 0:
        dialog.show()
    thread.start()
    poll.start()
    try:
        if thread.is_alive():
            loop.exec()
        thread.join()
    finally:
        poll.stop()
        dialog.close()
        dialog.deleteLater()
    if "error" in box:
        raise box["error"]
    return box["value"]


def will_convert(db_file: Path) -> bool:
    """This start will encrypt a plain database (the seconds-long step worth a dialog)."""
    from desktop.storage import keys
    from desktop.storage.connect import encryption_wanted

    return encryption_wanted(None) and keys.file_state(db_file) == "plain"


def open_database_with_progress() -> Any:
    """`open_database()`; when a plain file is to be encrypted (3–5 s on a big register) off the UI
    thread under a dialog, else directly (the usual start: no thread, no delay)."""
    from desktop import paths
    from desktop.storage.db import open_database

    if not will_convert(paths.db_path()):
        return open_database()
    return run_with_progress(open_database, _("Đang mã hoá cơ sở dữ liệu (chỉ một lần, vài giây)…"))


def skip_pyside_source_scan() -> None:
    """PySide 6 reads the source text of every module imported after it (`inspect.getsource`, to see whether
    it says "PySide6" and may switch `__feature__`s): 435 modules, ~85 ms of UI-thread CPU on the way to the
    first window. No module here uses `__feature__`, so every module gets the plain default (0 = no feature)
    without reading its file. Does nothing if this PySide has no such hook."""
    import sys

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", lambda _module: True)  # noqa: B010 - a module we do not own


class _FirstPaint(QObject):
    """Calls `fn` (on the next event-loop turn) after the watched widget's first paint, then goes away."""

    def __init__(self, widget: QObject, fn: Callable[[], None]) -> None:
        super().__init__(widget)
        self._fn = fn

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._fn)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, fn: Callable[[], None]) -> None:
    """Run `fn` once `widget` has painted for the first time: work the officer need not wait for (the
    daily backup after the main window; loading the ORM while the login dialog waits for the PIN)."""
    widget.installEventFilter(_FirstPaint(widget, fn))
