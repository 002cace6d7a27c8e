"""A service's refusal reaches the officer in the interface's language: English in English mode, Vietnamese
in Vietnamese mode (real main window, real check-in service on a demo database)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from sqlalchemy import select

from desktop.models import Citizen
from tests.support.qt import wait_idle

# What the check-in service says when an absence is recorded for someone who already came today: which
# sentence depends on whether the demo's current session has an appointment for that person.
REFUSED_EN = ("has already been checked in today", "has no appointment in this session",
              "absence is not recorded")
REFUSED_VI = ("đã được ghi nhận có mặt hôm nay", "không có lịch hẹn trong buổi này", "không ghi vắng mặt")


def _someone_new(controller) -> tuple[str, str]:
    with controller.db.session() as s:
        c = s.scalars(select(Citizen).where(Citizen.status == "new", Citizen.id_number.is_not(None))
                      .order_by(Citizen.id)).first()
        assert c is not None and c.id_number
        return c.id_number, c.full_name


def _refuse_an_absence_after_arrival(qtbot, controller, window, id_number: str) -> str:
    """Mark the person attended, then absent: the second is refused; the check-in line says why."""
    ci = window.checkin
    window.tabs.setCurrentWidget(ci)
    ci.lookup(id_number, auto_pick=True)
    assert ci.current is not None and ci.current["id_number"] == id_number
    ci.mark("attended")
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✔"), timeout=5000)
    ci.mark("no_show")
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✖"), timeout=5000)
    return ci.message.text()


def test_a_refusal_is_shown_in_english_in_english_mode(qtbot, controller, window):
    id_number, name = _someone_new(controller)
    window.findChild(QAction, "actLang_en").trigger()
    english = controller.window
    assert english is not window and english.tabs.tabText(0) == "&1 Citizens"
    text = _refuse_an_absence_after_arrival(qtbot, controller, english, id_number)
    assert any(words in text for words in REFUSED_EN), text
    assert not any(words in text for words in REFUSED_VI), text
    assert name in text or "appointment is" in text


def test_a_refusal_is_shown_in_vietnamese_in_vietnamese_mode(qtbot, controller, window):
    id_number, _name = _someone_new(controller)
    text = _refuse_an_absence_after_arrival(qtbot, controller, window, id_number)
    assert any(words in text for words in REFUSED_VI), text
    assert not any(words in text for words in REFUSED_EN), text


def test_a_wrong_pin_is_told_in_english_in_english_mode(qtbot, db, app_for):
    from desktop.services import auth
    from desktop.ui.dialogs.login import LoginDialog
    from desktop.ui.support import lang

    with db.session() as s:
        auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
    lang.install("en")
    dlg = LoginDialog(app_for(db))
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name_box.setCurrentText("Nguyễn Văn Trưởng")
    qtbot.keyClicks(dlg.pin_edit, "999999")
    dlg.ok_button.click()
    wait_idle(qtbot, dlg.app.runner)
    assert dlg.operator is None
    assert dlg.message.text() == "Wrong officer name or PIN (4 tries left before the account is locked)."
