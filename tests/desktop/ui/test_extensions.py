"""The other teams' widgets inside the main window: printing, the sync panel, closing a day, the audit trail."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDockWidget, QMessageBox

from desktop.services import scheduling
from desktop.services.figures import dayclose
from desktop.services.register import points
from tests.support.qt import wait_idle


def _session_with_appointments(db) -> int:
    with db.session() as s:
        point = points.list_points(s, active_only=True)[0]
        sess = scheduling.create_enrollment_session(s, point_id=point.id, day=dt.date.today(), start="08:00", end="10:00",
                                         slot_minutes=30, kits=2)
        scheduling.auto_assign(s, sess.id, on=dt.date.today())
        return sess.id


def test_menus_are_installed(window):
    assert window.menu_modules == ["audit", "login", "printing", "sync", "peers"]  # menus.py's explicit list
    titles = [a.text() for a in window.shell.menu("file").actions()]
    assert titles.index("In &giấy hẹn…") < titles.index("&Thoát")  # above Quit, below Import
    assert window.findChild(QDockWidget, "syncDock") is not None


def test_print_slips_preview_has_a_pdf(qtbot, window, controller, demo_db):
    from desktop.ui.actions import printing as print_actions

    sid = _session_with_appointments(demo_db)
    dlg = print_actions.print_slips(window.shell, sid)
    qtbot.addWidget(dlg)
    wait_idle(qtbot, controller.runner, timeout=60_000)
    qtbot.waitUntil(lambda: dlg.page_count() > 0, timeout=10_000)
    assert dlg.pdf_bytes().startswith(b"%PDF")
    # without a session chosen anywhere, the action says so instead of printing nothing
    window.shell.current_session_id = lambda: None
    assert print_actions.print_slips(window.shell) is None


def test_excel_export_writes_a_workbook(qtbot, window, controller, tmp_path):
    from desktop.ui.actions import printing as print_actions

    out = tmp_path / "bao-cao.xlsx"
    print_actions.export_excel(window.shell, dt.date.today(), None, str(out))
    wait_idle(qtbot, controller.runner, timeout=60_000)
    assert out.read_bytes()[:2] == b"PK"


def test_sync_panel_in_window_and_close_day_writes_a_report(qtbot, window, controller, demo_db):
    from desktop.ui.actions import sync as sync_actions

    panel = window.shell.sync_panel
    assert panel.window() is window
    waiting = int(panel.waiting_label.text().split()[0])
    day = dt.date.today()
    sync_actions.ask_close_day(window.shell, day, None, confirm=False)
    wait_idle(qtbot, controller.runner)
    with demo_db.session() as s:
        code = points.list_points(s, active_only=True)[0].code
        assert dayclose.is_closed(s, day, code)
    qtbot.waitUntil(lambda: int(panel.waiting_label.text().split()[0]) > waiting, timeout=3000)
    assert window.shell.sync_dock.isVisible()


def test_close_day_needs_a_supervisor_once_accounts_exist(qtbot, window, controller, demo_db, monkeypatch):
    from desktop.services import auth
    from desktop.ui.actions import sync as sync_actions
    from desktop.ui.actions.login import set_operator

    with demo_db.session() as s:
        boss = auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
        clerk = auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
        clerk_info = auth.OperatorInfo(clerk.id, clerk.name, clerk.role, True, None)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    set_operator(controller.app, clerk_info)
    assert sync_actions.ask_close_day(window.shell, dt.date.today(), None, confirm=False) is None
    assert warnings and "người phụ trách" in warnings[0]


def test_audit_view_lists_what_was_recorded(qtbot, window, demo_db):
    from desktop.services import auth
    from desktop.ui.actions import audit as audit_actions

    with demo_db.session() as s:
        auth.audit(s, None, "import", "citizen", None, "danh_sach.csv: 3 dòng")
        expected = auth.audit_count(s, None)
    dlg = audit_actions.open_audit(window.shell)
    assert dlg is not None
    qtbot.addWidget(dlg)
    model = dlg.audit_view.model
    assert dlg.isVisible() and expected >= 1 and model.rowCount() == min(expected, 200)
    shown = [model.data(model.index(0, c)) or "" for c in range(model.columnCount())]
    assert any("danh_sach.csv" in cell for cell in shown), shown  # newest first
    dlg.close()
