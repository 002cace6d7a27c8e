"""Ctrl+Z at the check-in desk undoes a mistaken F8 (real key presses on a real check-in view, offscreen):
the person's status comes back, the status area says so, and the scan box is focused and fully selected."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.models import Citizen, Operator, StatusEvent
from tests.support.qt import wait_idle


def _ready(ci) -> bool:
    box = ci.input
    return box.hasFocus() and (box.text() == "" or box.selectedText() == box.text())


def _booked_person(controller) -> tuple[int, str]:
    with controller.db.session() as s:
        c = s.scalars(select(Citizen).where(Citizen.status == "scheduled", Citizen.id_number.is_not(None))
                      .order_by(Citizen.id)).first()
        assert c is not None and c.id_number
        return c.id, c.id_number


def _log_in(controller) -> None:
    with controller.db.session() as s:
        op = Operator(name="Cán bộ Lan", role="operator", pin_hash="", created_at=dt.datetime.now())
        s.add(op)
        s.flush()
        controller.app.operator_id = op.id


def _status(controller, cid: int) -> str:
    with controller.db.session() as s:
        c = s.get(Citizen, cid)
        assert c is not None
        return c.status


def test_ctrl_z_undoes_a_mistaken_f8(qtbot, controller, window):
    _log_in(controller)
    cid, number = _booked_person(controller)
    window.activateWindow()
    ci = window.checkin
    window.tabs.setCurrentWidget(ci)
    qtbot.waitUntil(lambda: ci.input.hasFocus(), timeout=3000)
    ci.input.setText(number)
    qtbot.keyClick(ci.input, Qt.Key.Key_Return)
    assert ci.current is not None and ci.current["citizen_id"] == cid

    qtbot.keyClick(ci.input, Qt.Key.Key_F8)  # the mistake: "Vắng mặt" is recorded at once
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✔"), timeout=5000)
    assert _status(controller, cid) == "no_show"

    ci.input.deselect()
    qtbot.keyClick(ci.input, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("↶"), timeout=5000)
    assert "Vắng mặt" in ci.message.text() and "Đã hẹn" in ci.message.text()
    assert ci.input.text() == number  # the box's own typing was not undone
    assert _ready(ci), (ci.input.text(), ci.input.selectedText())
    assert _status(controller, cid) == "scheduled"
    with controller.db.session() as s:
        kinds = list(s.scalars(select(StatusEvent.event_type).where(StatusEvent.citizen_id == cid)
                               .order_by(StatusEvent.id)))
    assert kinds[-2:] == ["no_show", "undo"]

    # A second Ctrl+Z has nothing left to undo: said inline, the box still ready.
    ci.input.deselect()
    qtbot.keyClick(ci.input, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✖"), timeout=5000)
    assert _ready(ci)
