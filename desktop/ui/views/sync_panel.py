"""Sync panel: last successful sync, reports waiting, the last error in plain Vietnamese, "Gửi ngay".

Reads the outbox state through `app.read(outbox.status)` and sends through the runner's network lane
(`operations/sync.send_reports`), so the UI never blocks and our check-in writes never queue behind a
slow hub. It refreshes itself whenever an operation announces `Changes(reports=True)` (a day close, a
send). Failures take the runner's standard path: logged (redacted), then shown in the panel.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit
from desktop.ui.support.runner import Changes

_ = translator("SyncPanel")
log = logging.getLogger(__name__)


def _unexpected() -> str:
    return _("Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau.")


def _when(stamp: str) -> str:
    if not stamp:
        return _("chưa có")
    try:
        t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    t = t.astimezone()
    return _("{0} ngày {1}").format(t.strftime("%H:%M"), t.strftime("%d/%m/%Y"))


class SyncPanel(QWidget):
    """Shows the outbox state and sends on demand, off the UI thread."""

    sync_finished = Signal(object)  # sync.client.SyncResult, on the GUI thread

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncPanel")
        self.app = app
        self._busy = False

        self.last_sync_label = QLabel()
        self.waiting_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.state_label = QLabel()
        self.send_button = QPushButton(_("Gửi ngay"))
        self.send_button.setToolTip(_("Gửi các ngày đã chốt lên máy chủ tỉnh"))
        self.send_button.clicked.connect(self.send_now)

        form = QFormLayout()
        form.addRow(_("Gửi thành công gần nhất:"), self.last_sync_label)
        form.addRow(_("Báo cáo đang chờ gửi:"), self.waiting_label)
        row = QHBoxLayout()
        row.addWidget(self.state_label, 1)
        row.addWidget(self.send_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addLayout(row)
        app.runner.changed.connect(self._on_changes)
        self.refresh()

    # state -----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def _on_changes(self, changes: Changes) -> None:
        if changes.reports and isValid(self):
            self.refresh()

    def refresh(self) -> None:
        """Re-read the status (cheap: two small queries)."""
        from desktop.services import outbox

        try:
            st = self.app.read(outbox.status)
        except Exception:
            log.exception("cannot read the outbox status")
            self.error_label.setText(_("Không đọc được tình trạng gửi báo cáo."))
            self.error_label.setVisible(True)
            return
        self.last_sync_label.setText(_when(st.last_success_at))
        waiting = f"{st.waiting}"
        if getattr(st, "conflicts", 0):
            waiting += _(" (và {0} báo cáo máy chủ báo xung đột)").format(st.conflicts)
        self.waiting_label.setText(waiting)
        self.error_label.setText(st.last_error or "")
        self.error_label.setVisible(bool(st.last_error))

    def send_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.send_button.setEnabled(False)
        self.state_label.setText(_("Đang gửi…"))
        (self.app.runner.op(sync_ops.send_reports(), self, "send_reports").network()
         .success(self._on_finished).failure(self._on_failed).run())

    def _done(self) -> None:
        self._busy = False
        self.send_button.setEnabled(True)

    def _on_finished(self, result: Any) -> None:
        if not isValid(self):  # the window was replaced (language switch) while sending
            return
        self._done()
        error = getattr(result, "error", "")
        self.state_label.setText(_("Chưa gửi xong.") if error else _("Đã gửi {0} báo cáo.").format(
            getattr(result, "sent", 0)))
        self.refresh()
        if error:  # show this run's error even if the status store lags
            self.error_label.setText(error)
            self.error_label.setVisible(True)
        emit(self.sync_finished, result)

    def _on_failed(self, exc: BaseException, _tb: str) -> None:
        """Already logged by the runner; the officer sees the reason, or a plain "unexpected" line."""
        if not isValid(self):
            return
        from desktop.ui.support.errors import user_message

        self._done()
        self.state_label.setText(_("Chưa gửi xong."))
        self.refresh()
        self.error_label.setText(user_message(exc) or _unexpected())
        self.error_label.setVisible(True)

    def auto_refresh(self, interval_ms: int = 60_000) -> QTimer:
        timer = QTimer(self)
        timer.timeout.connect(self.refresh)
        timer.start(interval_ms)
        return timer
