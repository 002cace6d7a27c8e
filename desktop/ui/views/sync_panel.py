"""Sync panel: last successful sync, reports waiting, the last error in plain Vietnamese, "Gửi ngay"; and for
a commune with no link: the state of each day (sent / exported, waiting for the receipt /
confirmed by receipt), USB bundle export, receipt and targets-file import, the day code for a phone call,
enrolment by file ("Kết nối bằng tệp (không có mạng)…", `dialogs/enrol_by_file.py`) and the "send by itself"
switch.

Reads the outbox state through `app.read(outbox.status)` and sends through the runner's network lane
(`operations/sync.send_reports`), so the UI never blocks and our check-in writes never queue behind a
slow hub. It refreshes through `View.notify` whenever a change-set says `reports` or `settings` (a day close, a
send). Failures take the runner's standard path: logged (redacted), then shown in the panel.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.changes import Changes
from desktop.settings_keys import KEY_AUTO_SEND
from desktop.ui.operations import settings as settings_ops
from desktop.ui.operations import sync as sync_ops
from desktop.ui.support import labels
from desktop.ui.support.autosend import auto_send_enabled
from desktop.ui.support.cells import table_item
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit
from desktop.ui.support.runner import RunningOp
from desktop.ui.support.sync_words import app_words
from desktop.ui.views.base import View

if TYPE_CHECKING:
    from desktop.services.province_link.hub_offline import DayCode
    from desktop.ui.dialogs.day_code import DayCodeDialog
    from desktop.ui.dialogs.enrol_by_file import EnrolByFileDialog
    from sync.outbox_port import SyncResult

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


class SyncPanel(View):
    """Shows the outbox state and sends on demand, off the UI thread; refreshes through `View.notify` on
    reports and settings, shown or not (the auto-sender's words land in it)."""

    reload_when_hidden = True

    sync_finished = Signal(object)  # sync.client.SyncResult, on the GUI thread

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.setObjectName("SyncPanel")
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

        self.auto_check = QCheckBox(_("Tự gửi khi có mạng"))
        self.auto_check.setToolTip(_("Tắt khi dùng đường truyền vệ tinh tính tiền theo dung lượng"))
        self.auto_check.toggled.connect(self._auto_toggled)
        self.auto_label = QLabel()
        self.auto_label.setObjectName("autoSendStatus")
        self.auto_label.setWordWrap(True)

        self.days_table = QTableWidget(0, 3)
        self.days_table.setObjectName("syncDays")
        self.days_table.setHorizontalHeaderLabels([_("Ngày"), _("Điểm"), _("Tình trạng")])
        self.days_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days_table.verticalHeader().setVisible(False)
        self.days_table.horizontalHeader().setStretchLastSection(True)

        self.bundle_button = QPushButton(_("Xuất tệp USB…"))
        self.bundle_button.clicked.connect(self._ask_bundle)
        self.receipt_button = QPushButton(_("Nhập biên nhận…"))
        self.receipt_button.clicked.connect(self._ask_receipt)
        self.targets_button = QPushButton(_("Nhập tệp chỉ tiêu…"))
        self.targets_button.clicked.connect(self._ask_targets)
        self.daycode_button = QPushButton(_("Mã ngày qua điện thoại…"))
        self.daycode_button.clicked.connect(self._ask_day_code)
        self.enrol_button = QPushButton(_("Kết nối bằng tệp (không có mạng)…"))
        self.enrol_button.setObjectName("enrolByFile")
        self.enrol_button.clicked.connect(self.open_enrol_by_file)
        files = QGridLayout()
        files.addWidget(self.bundle_button, 0, 0)
        files.addWidget(self.receipt_button, 0, 1)
        files.addWidget(self.targets_button, 1, 0)
        files.addWidget(self.daycode_button, 1, 1)
        files.addWidget(self.enrol_button, 2, 0, 1, 2)
        self.offline_label = QLabel()
        self.offline_label.setWordWrap(True)
        self.day_code_dialog: DayCodeDialog | None = None
        self.enrol_dialog: EnrolByFileDialog | None = None

        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addLayout(row)
        box.addWidget(self.auto_check)
        box.addWidget(self.auto_label)
        box.addWidget(self.days_table, 1)
        box.addWidget(QLabel(_("Không có mạng:")))
        box.addLayout(files)
        box.addWidget(self.offline_label)
        self.activate()

    # state -----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def cares_about(self, changes: Changes) -> bool:
        return changes.reports or changes.settings

    def reload(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-read the status (cheap: two small queries)."""
        from desktop.services.province_link import outbox

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
        if getattr(st, "exported", 0):
            waiting += _(" — {0} đã xuất, chờ xác nhận").format(st.exported)
            self.waiting_label.setText(waiting)
        self.error_label.setText(app_words(st.last_error or ""))
        self.error_label.setVisible(bool(st.last_error))
        self._refresh_days()
        try:
            on = bool(self.app.read(auto_send_enabled))
        except Exception:
            log.exception("cannot read the auto-send setting")
            on = True
        self.auto_check.blockSignals(True)
        self.auto_check.setChecked(on)
        self.auto_check.blockSignals(False)

    def _state_label(self, state: str) -> str:
        return {"waiting": _("Chờ gửi"), "exported": _("Đã xuất, chờ xác nhận"), "sent": _("Đã gửi"),
                "confirmed": _("Đã xác nhận (biên nhận)"), "conflict": _("Xung đột")}.get(state, state)

    def _refresh_days(self) -> None:
        from desktop.services.province_link import outbox

        try:
            states = self.app.read(outbox.day_states, 120)
        except Exception:
            log.exception("cannot read the day states")
            return
        self.days_table.setRowCount(len(states))
        for r, d in enumerate(states):
            cells = [d.day.strftime("%d/%m/%Y"), labels.report_point(d.point_code), self._state_label(d.state)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(256, d.state)  # Qt.UserRole: the state key, for tests and styling
                self.days_table.setItem(r, c, item)

    def day_states(self) -> list[tuple[str, str, str]]:
        """(day, point, state key) as shown, newest first."""
        t = self.days_table
        return [(table_item(t, r, 0).text(), table_item(t, r, 1).text(), table_item(t, r, 2).data(256))
                for r in range(t.rowCount())]

    # auto-send switch and status ------------------------------------------------------------------------------

    def _auto_toggled(self, on: bool) -> None:
        self.app.runner.op(settings_ops.save_setting(KEY_AUTO_SEND, "1" if on else "0"), self,
                           "save_auto_send").run()

    def show_auto_status(self, text: str) -> None:
        if isValid(self):
            self.auto_label.setText(text)

    # files for a commune with no link ---------------------------------------------------------------------

    def show_closed(self, text: str) -> None:
        """A day close done: said in the panel (the status bar's message fades and may be off-screen)."""
        self._say(text)

    def _say(self, text: str, error: bool = False) -> None:
        if isValid(self):
            self.offline_label.setStyleSheet("color: #b00020;" if error else "")
            self.offline_label.setText(text)

    def _failed_file(self, exc: BaseException, _tb: str) -> None:
        from desktop.ui.support.errors import user_message

        self._say(user_message(exc) or _unexpected(), error=True)

    def _enrol_first(self, title: str, doing: str) -> bool:
        """True (and a box saying what to do first, with the button that does it) when not yet enrolled."""
        from desktop.services.province_link import hub_link
        from desktop.ui.dialogs.enrol_first import ask_enrol_first

        if self.app.read(hub_link.is_enrolled):
            return False
        self.enrol_first_box = ask_enrol_first(self, title, doing, self.open_enrol_by_file)
        return True

    def _ask_bundle(self) -> None:
        if self._enrol_first(_("Xuất tệp USB"), _("xuất tệp USB")):
            return
        path, _f = QFileDialog.getSaveFileName(self, _("Xuất tệp USB"), "truong-sa.epb", _("Tệp EnrollPoint (*.epb)"))
        if path:
            self.export_bundle_to(path)

    def export_bundle_to(self, path: str) -> RunningOp:
        return (self.app.runner.op(sync_ops.export_bundle(path), self, "export_bundle")
                .success(lambda r: self._say(_("Đã ghi {0} báo cáo vào {1}. Mang tệp lên tỉnh, rồi nhập biên nhận "
                                               "tỉnh gửi về.").format(r.reports, r.path)))
                .failure(self._failed_file).run())

    def _ask_receipt(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Nhập biên nhận của tỉnh"), "", _("Tệp JSON (*.json)"))
        if path:
            self.import_receipt_from(path)

    def import_receipt_from(self, path: str) -> RunningOp:
        return (self.app.runner.op(sync_ops.import_receipt(path), self, "import_receipt")
                .success(lambda r: self._say(_("Biên nhận: {0} báo cáo được xác nhận.").format(r.confirmed)))
                .failure(self._failed_file).run())

    def _ask_targets(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Nhập tệp chỉ tiêu của tỉnh"), "", _("Tệp JSON (*.json)"))
        if path:
            self.import_targets_from(path)

    def import_targets_from(self, path: str) -> RunningOp:
        return (self.app.runner.op(sync_ops.import_targets_file(path), self, "import_targets_file")
                .success(lambda r: self._say(_("Đã nhập {0} chỉ tiêu của tỉnh.").format(r["targets"])))
                .failure(self._failed_file).run())

    def open_enrol_by_file(self) -> EnrolByFileDialog:
        """The two-step enrolment by file (`dialogs/enrol_by_file.py`), non-blocking; returns the dialog."""
        from desktop.ui.dialogs.enrol_by_file import EnrolByFileDialog

        if self.enrol_dialog is not None and isValid(self.enrol_dialog):
            self.enrol_dialog.close()
        dialog = EnrolByFileDialog(self.app, self)
        self.enrol_dialog = dialog
        dialog.open()
        return dialog

    def _ask_day_code(self) -> None:
        from desktop.ui.dialogs.day_point import DayPointDialog

        if self._enrol_first(_("Mã số liệu ngày"), _("lập mã số liệu ngày để đọc qua điện thoại")):
            return
        dlg = DayPointDialog(self.app, _("Mã số liệu ngày"), self)
        if dlg.exec() == DayPointDialog.DialogCode.Accepted:
            self.show_day_codes(dlg.chosen_day(), dlg.chosen_point_code())

    def show_day_codes(self, day: dt.date, point_code: str | None = None) -> RunningOp:
        def shown(codes: list[DayCode]) -> None:
            from desktop.ui.dialogs.day_code import DayCodeDialog

            if not isValid(self):
                return
            self.day_code_dialog = DayCodeDialog(codes, self)
            self.day_code_dialog.show()

        return (self.app.runner.op(sync_ops.day_codes(day, point_code), self, "day_codes")
                .success(shown).failure(self._failed_file).run())

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

    def _on_finished(self, result: SyncResult) -> None:
        if not isValid(self):  # the window was replaced (language switch) while sending
            return
        self._done()
        error = getattr(result, "error", "")
        self.state_label.setText(_("Chưa gửi xong.") if error else _("Đã gửi {0} báo cáo.").format(
            getattr(result, "sent", 0)))
        self.refresh()
        if error:  # show this run's error even if the status store lags
            self.error_label.setText(app_words(error))
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
