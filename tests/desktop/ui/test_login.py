"""Login dialog and audit view, offscreen with real widgets over a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.services import auth
from tests.support.qt import wait_idle


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    t = {"now": dt.datetime(2026, 3, 2, 8, 0, 0)}
    monkeypatch.setattr(auth, "now", lambda: t["now"])
    return t


@pytest.fixture
def staffed(db, clock):
    with db.session() as s:
        boss = auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
        auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
    return db


def _dialog(qtbot, app):
    from desktop.ui.dialogs.login import LoginDialog

    dlg = LoginDialog(app)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _click(qtbot, dlg) -> None:
    """OK, then wait for the login operation (it runs on the worker) to answer."""
    dlg.ok_button.click()
    wait_idle(qtbot, dlg.app.runner)


def test_login_success(qtbot, staffed, app_for):
    dlg = _dialog(qtbot, app_for(staffed))
    names = [dlg.name_box.itemText(i) for i in range(dlg.name_box.count())]
    assert names == ["Lê Thị Bình", "Nguyễn Văn Trưởng"]
    dlg.name_box.setCurrentText("Lê Thị Bình")
    qtbot.keyClicks(dlg.pin_edit, "4321")
    _click(qtbot, dlg)
    assert dlg.result() == dlg.DialogCode.Accepted
    assert dlg.operator is not None and dlg.operator.role == "operator"


def test_wrong_pin_message(qtbot, staffed, app_for):
    dlg = _dialog(qtbot, app_for(staffed))
    dlg.name_box.setCurrentText("Lê Thị Bình")
    qtbot.keyClicks(dlg.pin_edit, "9999")
    _click(qtbot, dlg)
    assert dlg.operator is None and dlg.isVisible()
    assert "không đúng" in dlg.message.text() and "còn 4 lần" in dlg.message.text()
    assert dlg.pin_edit.text() == ""


def test_pin_field_takes_digits_only(qtbot, staffed, app_for):
    dlg = _dialog(qtbot, app_for(staffed))
    qtbot.keyClicks(dlg.pin_edit, "12ab34567890")
    assert dlg.pin_edit.text() == "12345678"


def test_lockout_shown_then_lifted(qtbot, staffed, clock, app_for):
    dlg = _dialog(qtbot, app_for(staffed))
    dlg.name_box.setCurrentText("Lê Thị Bình")
    for _ in range(5):
        qtbot.keyClicks(dlg.pin_edit, "0000")
        _click(qtbot, dlg)
    assert "bị khóa đến 08:05:00" in dlg.message.text()
    assert not dlg.ok_button.isEnabled()
    # the right PIN is refused while locked (e.g. another window); the message says until when
    with staffed.session() as s, pytest.raises(auth.OperatorLocked):
        auth.login(s, "Lê Thị Bình", "4321")
    clock["now"] += dt.timedelta(minutes=5, seconds=1)
    dlg._unlock_timer.setInterval(1)
    dlg._unlock_timer.start()
    qtbot.waitUntil(dlg.ok_button.isEnabled, timeout=3000)
    qtbot.keyClicks(dlg.pin_edit, "4321")
    _click(qtbot, dlg)
    assert dlg.operator is not None and dlg.operator.name == "Lê Thị Bình"


def test_first_operator_dialog(qtbot, db, app_for):
    from desktop.ui.dialogs.login import FirstOperatorDialog

    app = app_for(db)
    assert app.read(auth.needs_first_operator)
    dlg = FirstOperatorDialog(app, recovery_key="ABCD-EFGH")
    qtbot.addWidget(dlg)
    dlg.name_edit.setText("Trần Văn Phụ Trách")
    qtbot.keyClicks(dlg.pin_edit, "2468")
    qtbot.keyClicks(dlg.pin_again, "2469")
    dlg.create()
    assert "không khớp" in dlg.message.text()
    dlg.pin_again.clear()
    qtbot.keyClicks(dlg.pin_again, "2468")
    dlg.create()
    wait_idle(qtbot, app.runner)  # scrypt runs on the worker
    assert dlg.operator is not None and dlg.operator.role == "supervisor"
    assert not app.read(auth.needs_first_operator)


def test_audit_view_pages(qtbot, staffed, app_for):
    from desktop.ui.views.audit import PAGE, AuditView

    with staffed.session() as s:
        boss = auth.login(s, "Nguyễn Văn Trưởng", "123456")
        for i in range(PAGE + 50):
            auth.audit(s, boss.id, "citizen.edit", "citizen", i, "fields=1")
    view = AuditView(app_for(staffed))
    qtbot.addWidget(view)
    view.show()
    model = view.model
    assert model.rowCount() == PAGE and model.total >= PAGE + 50
    assert model.canFetchMore(model.index(-1, -1).parent())
    from PySide6.QtCore import QModelIndex

    model.fetchMore(QModelIndex())
    assert model.rowCount() == model.total
    assert model.data(model.index(0, 1)) == "Nguyễn Văn Trưởng"
    view.operator_box.setCurrentIndex(view.operator_box.findText("Lê Thị Bình"))
    assert all(r.operator_id != boss.id for r in model.rows)
    assert view.operator_box.itemData(0) is not None  # "Tất cả" carries combo.ANY, never None (qtrefs)
    view.operator_box.setCurrentIndex(0)
    assert model.operator_id is None and model.total >= PAGE + 50
