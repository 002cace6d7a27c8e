"""Printing and export in the File menu: appointment slips, a village list, the daily report, Excel.

Each action opens the print preview at once (loading state) and builds the document on the operations
worker (`print_preview.open_preview`), so the window never waits for ReportLab. Excel files are built on
the worker too and written where the officer chose. ReportLab, openpyxl and QtPdf load on first use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QFileDialog

from desktop.ui.ext_common import DayPointDialog
from desktop.ui.lang import translator

_ = translator("PrintActions")


def install(shell: Any) -> None:
    shell.add_action("file", _("In &giấy hẹn…"), lambda: print_slips(shell), "Ctrl+P", "actPrintSlips")
    shell.add_action("file", _("In &danh sách thôn…"), lambda: print_village_list(shell), None, "actPrintList")
    shell.add_action("file", _("In &báo cáo ngày…"), lambda: print_day_report(shell), None, "actPrintReport")
    shell.add_action("file", _("&Xuất Excel…"), lambda: export_excel(shell), None, "actExportXlsx")


def print_slips(shell: Any, session_id: int | None = None) -> Any:
    """Slips for the session selected in the schedule (or check-in) view."""
    from desktop.ui.print_preview import open_preview, slips_job

    sid = session_id if session_id is not None else shell.current_session_id()
    if sid is None:
        shell.show_message(_("Chọn một buổi thu nhận trong màn hình Lịch thu nhận trước khi in giấy hẹn."))
        return None
    officer = getattr(getattr(shell.ctx, "operator", None), "name", "") or ""
    return open_preview(shell.ctx.runner, slips_job({"session_id": sid}, officer=officer),
                        title=_("Giấy hẹn — buổi {0}").format(sid), file_name=f"giay-hen-buoi-{sid}.pdf",
                        parent=shell.parent_widget)


def print_village_list(shell: Any, day: dt.date | None = None, village: str | None = None,
                       point_id: int | None = None) -> Any:
    """The list of people booked on a day (optionally one village, one point), to hand to the village head."""
    from desktop.ui.print_preview import list_job, open_preview

    if day is None:
        dlg = DayPointDialog(shell.ctx, _("In danh sách thôn"), shell.parent_widget, village=True)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, village, point_id = dlg.chosen_day(), dlg.chosen_village(), dlg.chosen_point_id()
    sel = {"day": day, "village": village, "point_id": point_id}
    return open_preview(shell.ctx.runner, list_job(sel), title=_("Danh sách hẹn ngày {0:%d/%m/%Y}").format(day),
                        file_name=f"danh-sach-{day:%Y-%m-%d}.pdf", parent=shell.parent_widget)


def print_day_report(shell: Any, day: dt.date | None = None, point_id: int | None = None) -> Any:
    from desktop.ui.print_preview import open_preview, report_job

    if day is None:
        dlg = DayPointDialog(shell.ctx, _("In báo cáo ngày"), shell.parent_widget)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, point_id = dlg.chosen_day(), dlg.chosen_point_id()
    officer = getattr(getattr(shell.ctx, "operator", None), "name", "") or ""
    return open_preview(shell.ctx.runner, report_job(day, point_id, prepared_by=officer),
                        title=_("Báo cáo ngày {0:%d/%m/%Y}").format(day), file_name=f"bao-cao-{day:%Y-%m-%d}.pdf",
                        parent=shell.parent_widget)


def excel_job(day: dt.date, point_id: int | None, path: str) -> Any:
    """Worker: the daily report of `day` as an .xlsx file at `path`; returns the path."""

    def run(ctx: Any) -> str:
        from desktop.services import export_xlsx, printouts

        with ctx.db.session() as s:
            data = export_xlsx.report_xlsx(printouts.daily_report(s, day, point_id))
        with open(path, "wb") as f:
            f.write(data)
        return path

    return run


def export_excel(shell: Any, day: dt.date | None = None, point_id: int | None = None, path: str = "") -> Any:
    if day is None:
        dlg = DayPointDialog(shell.ctx, _("Xuất báo cáo ngày ra Excel"), shell.parent_widget)
        if dlg.exec() != DayPointDialog.DialogCode.Accepted:
            return None
        day, point_id = dlg.chosen_day(), dlg.chosen_point_id()
    if not path:
        path, _filter = QFileDialog.getSaveFileName(shell.parent_widget, _("Lưu tệp Excel"),
                                                    f"bao-cao-{day:%Y-%m-%d}.xlsx", _("Bảng tính Excel (*.xlsx)"))
        if not path:
            return None
    return (shell.ctx.runner.op(excel_job(day, point_id, path), shell.parent_widget, "export_xlsx")
            .success(lambda p: shell.show_message(_("Đã lưu {0}").format(p)))
            .run())
