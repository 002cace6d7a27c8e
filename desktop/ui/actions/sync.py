"""Sync in the main window: the SyncPanel as a dock, "Chốt số liệu ngày…" (close a day), "Gửi báo cáo ngay" and
"Kết nối bằng tệp (không có mạng)…" (enrolment by file for a commune with no link: open to every logged-in officer, as the CLI's
`enrollpoint connect` is).

The panel sends through the runner's network lane; closing a day runs `dayclose.close_day` on the
runner (a supervisor is required once accounts exist) and announces `Changes(reports=True)`, so the
panel refreshes itself. After a close, the daily backup (`backup.backup_if_due`) runs as a quiet job.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.ui.actions.roles import current_operator, supervisor_refusal
from desktop.ui.dialogs.day_point import DayPointDialog
from desktop.ui.operations import settings as settings_ops
from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.ui.shell import Shell
    from desktop.ui.support.autosend import AutoSender
    from desktop.ui.support.runner import RunningOp
    from desktop.ui.views.sync_panel import SyncPanel

_ = translator("SyncActions")


def install(shell: Shell) -> None:
    from desktop.ui.views.sync_panel import SyncPanel

    panel = SyncPanel(shell.app)
    panel.setObjectName("syncPanel")
    shell.sync_panel = panel
    dock = shell.add_dock(_("Gửi báo cáo lên tỉnh"), panel, "syncDock", Qt.DockWidgetArea.RightDockWidgetArea)
    dock.hide()  # opened from the View menu or after a day close; the status bar shows the waiting count
    shell.sync_dock = dock
    shell.add_action("sync", _("&Chốt số liệu ngày…"), lambda: ask_close_day(shell), None, "actCloseDay")

    def send_now() -> None:
        dock.show()
        panel.send_now()

    def enrol_by_file() -> None:
        dock.show()
        panel.open_enrol_by_file()

    shell.add_action("sync", _("&Gửi báo cáo ngay"), send_now, None, "actSendNow")
    shell.add_action("sync", _("Kết nối bằng tệp (không có mạng)…"), enrol_by_file, None, "actEnrolByFile")
    install_auto_send(shell, panel)


def install_auto_send(shell: Shell, panel: SyncPanel) -> AutoSender:
    """Send by itself when the link returns: status in the status bar and the panel."""
    from PySide6.QtWidgets import QLabel

    from desktop.ui.support.autosend import AutoSender

    sender = AutoSender(shell.app, panel)
    label = QLabel()
    label.setObjectName("autoSendStatusBar")
    shell.add_status_widget(label, permanent=False)
    sender.status.connect(label.setText)
    sender.status.connect(panel.show_auto_status)
    shell.on_close(sender.stop)
    shell.auto_sender = sender
    return sender


def closed_points_words(shell: Shell, summary: list[tuple[str, int]]) -> str:
    """"Trụ sở (lần 1), không theo điểm (lần 1)": each closed report's point by its name, never its code."""
    from desktop.services.register import points as pts
    from desktop.ui.support.labels import report_point
    from sync.protocol import COMMUNE_POINT_CODE

    names = {p.code: p.name for p in shell.app.read(pts.list_points)}
    names[COMMUNE_POINT_CODE] = report_point(COMMUNE_POINT_CODE).lower()
    return ", ".join(_("{0} (lần {1})").format(names.get(code, code), rev)
                     for code, rev in summary)


def ask_close_day(shell: Shell, day: dt.date | None = None, point_code: str | None = None,
                  confirm: bool = True) -> RunningOp | None:
    refusal = supervisor_refusal(shell.app, _("chốt số liệu ngày"))
    if refusal:
        QMessageBox.warning(shell.parent_widget, _("Chốt số liệu ngày"), refusal)
        return None
    if day is None:
        from desktop.ui.dialogs.day_close import DayCloseDialog

        dlg = DayCloseDialog(shell.app, shell.parent_widget)  # shows the figures the reports will carry
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, point_code = dlg.chosen_day(), dlg.chosen_point_code()
        confirm = False  # the dialog was the confirmation
    if confirm and QMessageBox.question(
            shell.parent_widget, _("Chốt số liệu ngày"),
            _("Chốt số liệu ngày {0:%d/%m/%Y}? Báo cáo sẽ được xếp hàng để gửi lên tỉnh.").format(day),
    ) != QMessageBox.StandardButton.Yes:
        return None

    def done(summary: list[tuple[str, int]]) -> None:
        if shell.sync_dock is not None:
            shell.sync_dock.show()
        said = _("Đã chốt ngày {0:%d/%m/%Y}: {1} báo cáo ({2}).").format(
            day, len(summary), closed_points_words(shell, summary))
        shell.show_message(said, 10_000)
        if shell.sync_panel is not None:  # on screen where it stays: the status bar may be off-screen
            shell.sync_panel.show_closed(said + " " + _("Báo cáo được xếp hàng để gửi lên công an tỉnh."))
        # the day's automatic copy if none was made yet today (quiet: failures are logged, not shown)
        shell.app.runner.op(settings_ops.daily_backup(), None, "daily_backup").quiet().run()

    def refused(exc: BaseException, tb: str) -> None:
        """A restored laptop's re-close below the hub's figures: show both, close only if confirmed."""
        from desktop.ui.dialogs.error import show_error
        from desktop.ui.support.errors import user_message

        if getattr(exc, "field", "") != "confirm_lower":
            show_error(shell.parent_widget, exc, tb)
            return
        if QMessageBox.question(shell.parent_widget, _("Chốt lại với số thấp hơn?"),
                                (user_message(exc) or str(exc)) + "\n\n" + _("Vẫn chốt lại với số mới, thấp hơn số tỉnh đang giữ?"),
                                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes:
            shell.app.runner.op(sync_ops.close_day(day, point_code, current_operator(shell.app), confirm_lower=True),
                                shell.parent_widget, "close_day").success(done).run()

    return (shell.app.runner.op(sync_ops.close_day(day, point_code, current_operator(shell.app)),
                                shell.parent_widget, "close_day")
            .success(done).failure(refused).run())
