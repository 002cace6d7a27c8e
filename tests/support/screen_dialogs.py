"""How tests/support/screen_driver.py opens each dialog of desktop.ui, in a state an officer sees (no tests here).

Keyed by the dialog's class name (a suffix after a space tells two states of one class apart); the driver
reports which classes it opened and tests/e2e/test_screen_fit.py fails when a QDialog subclass of desktop.ui
has no entry. Each builder gets the driver (its `controller`, `win` and `boss`) and returns the dialog shown.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

LONG_ID_ERROR = "999000123456"  # an ID number whose birth-registration code is unknown: the longest error


def _login(d: Any) -> QWidget:
    from desktop.ui.dialogs.login import LoginDialog

    dlg = LoginDialog(d.controller.app, d.win)
    dlg.show()
    return dlg


def _login_wrong_pin(d: Any) -> QWidget:
    from desktop.ui.dialogs.login import LoginDialog

    dlg = LoginDialog(d.controller.app, d.win)
    dlg.show()
    dlg.pin_edit.setText("000000")
    dlg.try_login()
    return dlg


def _first_operator(d: Any) -> QWidget:
    from desktop.ui.dialogs.login import FirstOperatorDialog

    return FirstOperatorDialog(d.controller.app, d.win, recovery_key="ABCD-EFGH-JKLM-NPQR-STUV-WXYZ", demo=True)


def _first_run(d: Any) -> QWidget:
    from desktop.ui.dialogs.first_run import FirstRunDialog

    dlg = FirstRunDialog(d.controller.app, d.win)
    dlg.show()
    dlg.filter.setText("khanh hoa")
    dlg._pick_first()
    dlg.add_point("NVH-01", "Nhà văn hoá thôn Bình Ba", "Thôn Bình Ba")
    return dlg


def _walk_in(d: Any) -> QWidget:
    from desktop.ui.dialogs.walk_in import WalkInDialog

    return WalkInDialog(d.win, ["Thôn Võ Cạnh", "Thôn Vĩnh Cát", "Khu phố Đông Hải 2"])


def _walk_in_errors(d: Any) -> QWidget:
    dlg = _walk_in(d)
    dlg.show()
    dlg.inputs["full_name"].setText("Nguyễn Thị Thuỳ")
    dlg.inputs["id_number"].setText(LONG_ID_ERROR)
    dlg.inputs["birth_date"].setText("31/02/1990")
    dlg._try_accept()
    return dlg


def _preview(d: Any) -> QWidget:
    from desktop.ui.actions.printing import open_preview
    from desktop.ui.operations import printing as printing_ops

    dlg = open_preview(d.controller.runner, printing_ops.due_list_pdf(dt.date.today()),
                       title="Danh sách cần đến", file_name="danh-sach.pdf", parent=d.win)
    return dlg


def _day_point(village: bool) -> Callable[[Any], QWidget]:
    def build(d: Any) -> QWidget:
        from desktop.ui.dialogs.day_point import DayPointDialog

        return DayPointDialog(d.controller.app, "Chốt số liệu ngày", d.win, village=village)

    return build


def _day_close(d: Any) -> QWidget:
    from desktop.ui.dialogs.day_close import DayCloseDialog

    return DayCloseDialog(d.controller.app, d.win)  # the day's figures per point before closing


def _day_code(d: Any) -> QWidget:
    from desktop.services.province_link.hub_offline import DayCode
    from desktop.ui.dialogs.day_code import DayCodeDialog

    totals = {"attended": 128, "card_captured": 97, "vneid_l2": 64, "vneid_activated": 41, "no_show": 12}
    codes = [DayCode("TRUSO", dt.date.today(), 2, totals, "4821-0937-5512-8806-3341"),
             DayCode("NVH-01", dt.date.today(), 1, totals, "7710-2285-9043-1167-5520")]
    return DayCodeDialog(codes, d.win)


def _village_target(d: Any) -> QWidget:
    from desktop.ui.dialogs.village_target import VillageTargetDialog

    return VillageTargetDialog(d.controller.app, d.win)


def _bug(d: Any) -> QWidget:
    from desktop.ui.dialogs.error import BugDialog

    try:
        raise RuntimeError("bộ đếm không khớp")
    except RuntimeError as exc:
        return BugDialog(exc, traceback.format_exc(), d.win)


def _recipients(d: Any) -> QWidget:
    from desktop.services.figures import report_settings
    from desktop.ui.dialogs.report_recipients import ReportRecipientsDialog

    return ReportRecipientsDialog(d.controller.app.read(report_settings.get_recipients), d.win)


def _enrol_by_file(d: Any) -> QWidget:
    from desktop.ui.dialogs.enrol_by_file import EnrolByFileDialog

    return EnrolByFileDialog(d.controller.app, d.win)


def _group_code(d: Any) -> QWidget:
    from desktop.ui.views.peers import GroupCodeDialog

    return GroupCodeDialog("KX7Q-4M2P-9TRW-HB3D", d.win)


def _audit(d: Any) -> QWidget:
    from desktop.ui.actions import audit

    dlg = audit.open_audit(d.win.shell)
    assert dlg is not None
    return dlg


BUILDERS: dict[str, Callable[[Any], QWidget]] = {
    "LoginDialog": _login,
    "LoginDialog wrong PIN": _login_wrong_pin,
    "FirstOperatorDialog": _first_operator,
    "FirstRunDialog": _first_run,
    "WalkInDialog": _walk_in,
    "WalkInDialog errors": _walk_in_errors,
    "PrintPreviewDialog": _preview,
    "DayPointDialog": _day_point(False),
    "DayPointDialog village": _day_point(True),
    "DayCloseDialog": _day_close,
    "DayCodeDialog": _day_code,
    "VillageTargetDialog": _village_target,
    "BugDialog": _bug,
    "ReportRecipientsDialog": _recipients,
    "EnrolByFileDialog": _enrol_by_file,
    "GroupCodeDialog": _group_code,
    "auditDialog": _audit,
}
