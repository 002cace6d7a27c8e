"""Printing and export in the File menu: appointment slips, a village list, the daily report, the due list per
village, Excel.

Each action opens the print preview at once (loading state) while the runner builds the document
(`open_preview` with a worker function of `operations/printing.py`), so the window never waits for
ReportLab. Excel files are built on the worker too and written where the officer chose. ReportLab,
openpyxl and QtPdf load on first use (not at start-up).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.ui.dialogs.day_point import DayPointDialog
from desktop.ui.operations import printing as print_ops
from desktop.ui.support.lang import translator
from desktop.ui.support.runner import OpRunner, RunningOp, WorkerFn

if TYPE_CHECKING:
    from desktop.ui.dialogs.print_preview import PrintPreviewDialog
    from desktop.ui.shell import Shell

_ = translator("PrintActions")


def install(shell: Shell) -> None:
    shell.add_action("file", _("In &giấy hẹn…"), lambda: print_slips(shell), "Ctrl+P", "actPrintSlips")
    shell.add_action("file", _("In &danh sách thôn…"), lambda: print_village_list(shell), None, "actPrintList")
    shell.add_action("file", _("In &báo cáo ngày…"), lambda: print_day_report(shell), None, "actPrintReport")
    shell.add_action("file", _("Nơi &gửi báo cáo ngày…"), lambda: edit_report_recipients(shell), None,
                     "actReportRecipients")
    shell.add_action("file", _("In danh sách &cần đến theo thôn…"), lambda: print_due_list(shell), None,
                     "actPrintDueList")
    shell.add_action("file", _("&Xuất Excel…"), lambda: export_excel(shell), None, "actExportXlsx")


def open_preview(runner: OpRunner, build: WorkerFn, *, title: str, file_name: str,
                 parent: QWidget | None = None) -> PrintPreviewDialog:
    """Show the preview at once (loading), and build the PDF on the runner's worker."""
    from desktop.ui.dialogs.print_preview import PrintPreviewDialog

    dlg = PrintPreviewDialog(title=title, file_name=file_name, parent=parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    runner.op(build, dlg, name="print").success(dlg.set_pdf).failure(dlg.set_failure).run()
    return dlg


def _officer(shell: Shell) -> str:
    return getattr(shell.app.operator, "name", "") or ""


def print_slips(shell: Shell, session_id: int | None = None) -> PrintPreviewDialog | None:
    """Slips for the session selected in the schedule (or check-in) view."""
    sid = session_id if session_id is not None else shell.current_session_id()
    if sid is None:
        shell.show_message(_("Chọn một buổi thu nhận trong màn hình Lịch thu nhận trước khi in giấy hẹn."))
        return None
    return open_preview(shell.app.runner, print_ops.slips_pdf({"enrollment_session_id": sid}, officer=_officer(shell)),
                        title=_("Giấy hẹn — buổi {0}").format(sid), file_name=f"giay-hen-buoi-{sid}.pdf",
                        parent=shell.parent_widget)


def print_village_list(shell: Shell, day: dt.date | None = None, village: str | None = None,
                       point_id: int | None = None) -> PrintPreviewDialog | None:
    """The list of people booked on a day (optionally one village, one point), to hand to the village head."""
    if day is None:
        dlg = DayPointDialog(shell.app, _("In danh sách thôn"), shell.parent_widget, village=True)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, village, point_id = dlg.chosen_day(), dlg.chosen_village(), dlg.chosen_point_id()
    sel = {"day": day, "village": village, "point_id": point_id}
    return open_preview(shell.app.runner, print_ops.list_pdf(sel),
                        title=_("Danh sách hẹn ngày {0:%d/%m/%Y}").format(day),
                        file_name=f"danh-sach-{day:%Y-%m-%d}.pdf", parent=shell.parent_widget)


def print_day_report(shell: Shell, day: dt.date | None = None, point_id: int | None = None) -> PrintPreviewDialog | None:
    if day is None:
        dlg = DayPointDialog(shell.app, _("In báo cáo ngày"), shell.parent_widget)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, point_id = dlg.chosen_day(), dlg.chosen_point_id()
    return open_preview(shell.app.runner, print_ops.report_pdf(day, point_id, prepared_by=_officer(shell)),
                        title=_("Báo cáo ngày {0:%d/%m/%Y}").format(day), file_name=f"bao-cao-{day:%Y-%m-%d}.pdf",
                        parent=shell.parent_widget)


def edit_report_recipients(shell: Shell) -> RunningOp | None:
    """"Kính gửi" and the other "Nơi nhận" units of the daily report (a supervisor's setting, audited)."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.figures import report_settings
    from desktop.ui.actions.roles import current_operator, supervisor_refusal
    from desktop.ui.dialogs.report_recipients import ReportRecipientsDialog
    from desktop.ui.operations import settings as settings_ops

    refusal = supervisor_refusal(shell.app, _("đổi nơi gửi báo cáo"))
    if refusal:
        QMessageBox.warning(shell.parent_widget, _("Nơi gửi báo cáo ngày"), refusal)
        return None
    dlg = ReportRecipientsDialog(shell.app.read(report_settings.get_recipients), shell.parent_widget)
    if dlg.exec() != ReportRecipientsDialog.DialogCode.Accepted:
        return None
    to, cc = dlg.chosen()
    return (shell.app.runner.op(settings_ops.save_report_recipients(to, cc, current_operator(shell.app)),
                                shell.parent_widget, "report_recipients")
            .success(lambda _saved: shell.show_message(_("Đã lưu nơi gửi báo cáo ngày."), 5_000)).run())


def print_due_list(shell: Shell, day: dt.date | None = None, village: str | None = None) -> PrintPreviewDialog | None:
    """Who must still come (first card, cấp đổi, VNeID), a page per village, with phones and a notes column."""
    if day is None:
        dlg = DayPointDialog(shell.app, _("In danh sách cần đến theo thôn"), shell.parent_widget, village=True)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, village = dlg.chosen_day(), dlg.chosen_village()
    return open_preview(shell.app.runner, print_ops.due_list_pdf(day, village),
                        title=_("Danh sách cần đến ngày {0:%d/%m/%Y}").format(day),
                        file_name=f"can-den-{day:%Y-%m-%d}.pdf", parent=shell.parent_widget)


def export_excel(shell: Shell, day: dt.date | None = None, point_id: int | None = None, path: str = "") -> RunningOp | None:
    if day is None:
        dlg = DayPointDialog(shell.app, _("Xuất báo cáo ngày ra Excel"), shell.parent_widget)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, point_id = dlg.chosen_day(), dlg.chosen_point_id()
    if not path:
        path, _filter = QFileDialog.getSaveFileName(shell.parent_widget, _("Lưu tệp Excel"),
                                                    f"bao-cao-{day:%Y-%m-%d}.xlsx", _("Bảng tính Excel (*.xlsx)"))
        if not path:
            return None
    return (shell.app.runner.op(print_ops.report_xlsx(day, point_id, path), shell.parent_widget, "export_xlsx")
            .success(lambda p: shell.show_message(_("Đã lưu {0}").format(p)))
            .run())
