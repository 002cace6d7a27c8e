"""Village targets and report recipients in the app (offscreen, real demo database): village targets from the progress view (a
supervisor's action, audited), a point's progress without the commune's target, the report's "Kính gửi" /
"Nơi nhận" dialog, and the card's renewal date in the citizen panel."""

from __future__ import annotations

import datetime as dt

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from desktop.models import AuditEntry, Citizen
from tests.support.qt import wait_idle


def _accounts(demo_db):
    from desktop.services import auth

    with demo_db.session() as s:
        boss = auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
        clerk = auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
        return (auth.OperatorInfo(boss.id, boss.name, boss.role, True, None),
                auth.OperatorInfo(clerk.id, clerk.name, clerk.role, True, None))


def test_village_target_from_the_progress_view(qtbot, window, controller, demo_db, monkeypatch) -> None:
    from desktop.services.figures import village_targets
    from desktop.ui.actions.login import set_operator
    from desktop.ui.dialogs.village_target import VillageTargetDialog

    boss, clerk = _accounts(demo_db)
    view = window.progress
    window.tabs.setCurrentWidget(view)
    view.reload()
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    set_operator(controller.app, clerk)
    assert view.edit_village_target() is None and "người phụ trách" in warnings[0]

    set_operator(controller.app, boss)
    key = view.last.villages[0].village_key
    dlg = VillageTargetDialog(controller.app, view, key)
    qtbot.addWidget(dlg)
    assert dlg.village.currentData() == key and dlg.now.text() == "Thôn/tổ này chưa có chỉ tiêu này."
    dlg.indicator.setCurrentIndex(dlg.indicator.findData("card_captured"))
    dlg.value.setValue(1234)
    view.edit_village_target(dlg)
    wait_idle(qtbot, controller.runner)
    with demo_db.session() as s:
        assert village_targets.village_targets(s)[key] == {"card_captured": 1234}
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "village_target_set")).one()
        assert entry.operator_id == boss.id and entry.detail == "card_captured=1234"
    # the view refreshed: the village's row shows its share of the new target
    qtbot.waitUntil(lambda: view.villages.item(0, 5).text() != "—", timeout=5000)
    assert view.villages.item(0, 5).text().startswith("Thẻ ") and "Chưa đạt" in view.villages.item(0, 5).text()
    again = VillageTargetDialog(controller.app, view, key)
    qtbot.addWidget(again)
    again.indicator.setCurrentIndex(again.indicator.findData("card_captured"))
    assert again.value.value() == 1234 and "1.234" in again.now.text()
    again.clear.setChecked(True)
    assert not again.value.isEnabled()
    view.edit_village_target(again)
    wait_idle(qtbot, controller.runner)
    with demo_db.session() as s:
        assert key not in village_targets.village_targets(s)


def test_point_progress_shows_no_commune_target(qtbot, window) -> None:
    view = window.progress
    window.tabs.setCurrentWidget(view)
    view.reload()
    assert not view.point_note.isVisible()
    assert view.indicator_value("card_captured", 3) != "—"  # the commune has the province's target
    view.point.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.last.point_id is not None, timeout=3000)
    assert view.point_note.isVisible() and "không so với chỉ tiêu" in view.point_note.text()
    for code in ("card_captured", "vneid_l2_captured", "vneid_activated"):
        assert view.indicator_value(code, 3) == "—" and view.indicator_value(code, 4) == "—"


def test_report_recipients_dialog_saves_the_setting(qtbot, window, controller, demo_db, monkeypatch) -> None:
    from desktop.services.figures import report_settings
    from desktop.ui.actions import printing as print_actions
    from desktop.ui.dialogs.report_recipients import ReportRecipientsDialog

    seen = {}

    def fill(dlg: ReportRecipientsDialog) -> int:
        seen["placeholder"] = dlg.to.placeholderText()
        dlg.to.setPlainText("Ban Chỉ đạo Đề án 06 xã\n\n  Đảng ủy xã  ")
        dlg.cc.setPlainText("UBND xã")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReportRecipientsDialog, "exec", fill)
    print_actions.edit_report_recipients(window.shell)
    wait_idle(qtbot, controller.runner)
    assert seen["placeholder"].startswith("Ban Chỉ đạo Đề án 06 ")  # the usual addressees, shown
    with demo_db.session() as s:
        saved = report_settings.get_recipients(s)
    assert saved.to == ("Ban Chỉ đạo Đề án 06 xã", "Đảng ủy xã") and saved.cc == ("UBND xã",)
    dlg = ReportRecipientsDialog(saved)
    qtbot.addWidget(dlg)
    assert dlg.chosen() == (["Ban Chỉ đạo Đề án 06 xã", "Đảng ủy xã"], ["UBND xã"])


def test_citizen_panel_shows_the_renewal_date(qtbot, window, demo_db) -> None:
    from desktop.services.due import rules as due

    with demo_db.session() as s:
        c = s.scalars(select(Citizen).where(Citizen.has_card.is_(True), Citizen.birth_date.is_not(None),
                                            Citizen.card_issued_on.is_not(None), Citizen.id_number.is_not(None))
                      .order_by(Citizen.birth_date.desc())).first()
        basis, renew = due.card_renewal(c)
        id_number = c.id_number
    assert basis is not None
    view = window.queue
    view.search.clear()
    QTest.keyClicks(view.search, id_number)
    qtbot.waitUntil(lambda: view.model.rowCount() >= 1 and view.model.row_at(0).id_number == id_number, timeout=5000)
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.waitUntil(lambda: view.panel.fields["id_number"].text() == id_number, timeout=3000)
    text = view.panel.fields["renewal"].text()
    assert f"thẻ cấp ngày {basis:%d/%m/%Y}" in text
    if renew is not None:
        assert text.startswith(f"{renew:%d/%m/%Y}")
    assert isinstance(basis, dt.date)
