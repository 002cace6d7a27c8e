"""Sync in the main window: the SyncPanel as a dock, and "Chốt số liệu ngày…" (close a day).

The panel (desktop/ui/sync_panel.py) sends on its own thread; the window waits for a running send
before the database closes (`panel.shutdown()` in a close hook). Closing a day runs
`dayclose.close_day` on the operations worker; a supervisor is required once accounts exist. After a
close, the daily backup (`backup.backup_if_due`) runs on the worker as a quiet job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.ui import ops
from desktop.ui.ext_common import DayPointDialog, current_operator, supervisor_refusal
from desktop.ui.lang import translator
from desktop.ui.operations import Changes, OpResult

_ = translator("SyncActions")


def install(shell: Any) -> None:
    from desktop.ui.sync_panel import SyncPanel

    panel = SyncPanel.for_database(shell.ctx.db)
    panel.setObjectName("syncPanel")
    shell.sync_panel = panel
    dock = shell.add_dock(_("Gửi báo cáo lên tỉnh"), panel, "syncDock", Qt.DockWidgetArea.RightDockWidgetArea)
    dock.hide()  # opened from the View menu or after a day close; the status bar shows the waiting count
    shell.sync_dock = dock
    shell.on_close(lambda: panel.shutdown())
    shell.add_action("sync", _("&Chốt số liệu ngày…"), lambda: ask_close_day(shell), None, "actCloseDay")
    shell.add_action("sync", _("&Gửi báo cáo ngay"), lambda: (dock.show(), panel.send_now()), None, "actSendNow")


def close_day_job(day: dt.date, point_code: str | None, operator: Any) -> Any:
    """Worker: close the day (one point or all) and return the reports written or kept."""

    def run(ctx: Any) -> OpResult:
        from desktop.services import dayclose

        with ctx.db.session() as s:
            rows = dayclose.close_day(s, day, point_code, operator=operator)
            summary = [(r.point_code, r.revision) for r in rows]
        return OpResult(summary, Changes(settings=True))

    return run


def ask_close_day(shell: Any, day: dt.date | None = None, point_code: str | None = None, confirm: bool = True) -> Any:
    refusal = supervisor_refusal(shell.ctx, _("chốt số liệu ngày"))
    if refusal:
        QMessageBox.warning(shell.parent_widget, _("Chốt số liệu ngày"), refusal)
        return None
    if day is None:
        dlg = DayPointDialog(shell.ctx, _("Chốt số liệu ngày"), shell.parent_widget)
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
        panel = getattr(shell, "sync_panel", None)
        if panel is not None:
            panel.refresh()
            shell.sync_dock.show()
        shell.show_message(_("Đã chốt ngày {0:%d/%m/%Y}: {1} báo cáo ({2}).").format(
            day, len(summary), ", ".join(f"{code} lần {rev}" for code, rev in summary)), 10_000)
        # the day's automatic copy if none was made yet today (quiet: failures are logged, not shown)
        shell.ctx.runner.op(ops.daily_backup(), None, "daily_backup").quiet().run()

    return (shell.ctx.runner.op(close_day_job(day, point_code, current_operator(shell.ctx)), shell.parent_widget,
                                "close_day")
            .success(done).run())
