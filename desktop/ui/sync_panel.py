"""Sync panel: last successful sync, reports waiting, the last error in plain Vietnamese, "Gửi ngay".

Standalone widget the main window embeds. Sending runs on the panel's own QThreadPool (one thread) via
a QRunnable; the signal carrier is created on the GUI thread and parented to the panel (PITFALLS: objects
destroyed on pool threads crash at exit), so results arrive on the GUI thread. The UI never blocks.
The panel talks to services only through two callables, so it needs no SQL and is easy to test.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.qtrefs import emit

StatusFn = Callable[[], Any]  # -> desktop.services.outbox.SyncStatus
SyncFn = Callable[[], Any]  # -> sync.client.SyncResult (runs on the worker thread)

MSG_UNEXPECTED = "Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau."


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class _SyncJob(QRunnable):
    def __init__(self, fn: SyncFn, signals: _Signals) -> None:
        super().__init__()
        self.fn, self.signals = fn, signals
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - shown to the officer, details in the log
            message = getattr(exc, "message", "") or MSG_UNEXPECTED
            traceback.print_exc()
            emit(self.signals.failed, message)
            return
        emit(self.signals.finished, result)


def _when(stamp: str) -> str:
    if not stamp:
        return "chưa có"
    try:
        t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone().strftime("%H:%M ngày %d/%m/%Y")


class SyncPanel(QWidget):
    """Shows the outbox state and sends on demand, off the UI thread."""

    sync_finished = Signal(object)  # SyncResult, on the GUI thread

    def __init__(self, status_fn: StatusFn, sync_fn: SyncFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncPanel")
        self._status_fn, self._sync_fn = status_fn, sync_fn
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)  # GUI-owned
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._busy = False

        self.last_sync_label = QLabel()
        self.waiting_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.state_label = QLabel()
        self.send_button = QPushButton("Gửi ngay")
        self.send_button.setToolTip("Gửi các ngày đã chốt lên máy chủ tỉnh")
        self.send_button.clicked.connect(self.send_now)

        form = QFormLayout()
        form.addRow("Gửi thành công gần nhất:", self.last_sync_label)
        form.addRow("Báo cáo đang chờ gửi:", self.waiting_label)
        row = QHBoxLayout()
        row.addWidget(self.state_label, 1)
        row.addWidget(self.send_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addLayout(row)
        self.refresh()

    @classmethod
    def for_database(cls, db: Any, parent: QWidget | None = None) -> SyncPanel:
        """The panel wired to the real services (the main window's usual entry point)."""
        from desktop.services import hub_link, outbox

        def status() -> Any:
            with db.session() as s:
                return outbox.status(s)

        return cls(status, lambda: hub_link.sync_now(db), parent)

    # state -----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh(self) -> None:
        """Re-read the status (cheap: two small queries). Call after a day close."""
        try:
            st = self._status_fn()
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            self.error_label.setText("Không đọc được tình trạng gửi báo cáo.")
            return
        self.last_sync_label.setText(_when(st.last_success_at))
        waiting = f"{st.waiting}"
        if getattr(st, "conflicts", 0):
            waiting += f" (và {st.conflicts} báo cáo máy chủ báo xung đột)"
        self.waiting_label.setText(waiting)
        self.error_label.setText(st.last_error or "")
        self.error_label.setVisible(bool(st.last_error))

    def send_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.send_button.setEnabled(False)
        self.state_label.setText("Đang gửi…")
        self._pool.start(_SyncJob(self._sync_fn, self._signals))

    def _done(self) -> None:
        self._busy = False
        self.send_button.setEnabled(True)

    def _on_finished(self, result: Any) -> None:
        self._done()
        if getattr(result, "error", ""):
            self.state_label.setText("Chưa gửi xong.")
        else:
            self.state_label.setText(f"Đã gửi {getattr(result, 'sent', 0)} báo cáo.")
        self.refresh()
        if getattr(result, "error", ""):  # show this run's error even if the status store lags
            self.error_label.setText(result.error)
            self.error_label.setVisible(True)
        emit(self.sync_finished, result)

    def _on_failed(self, message: str) -> None:
        self._done()
        self.state_label.setText("Chưa gửi xong.")
        self.refresh()
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Wait for a running send before the database closes (main window's closeEvent)."""
        return self._pool.waitForDone(timeout_ms)

    def auto_refresh(self, interval_ms: int = 60_000) -> QTimer:
        timer = QTimer(self)
        timer.timeout.connect(self.refresh)
        timer.start(interval_ms)
        return timer
