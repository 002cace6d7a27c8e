"""After every check-in action the scan box is focused and empty or fully selected, so that the next USB scan
replaces it (a walk-in left the new ID number unselected: the next scan was appended to it)."""

from __future__ import annotations

from sqlalchemy import select

from common.idnumber import make
from desktop.models import Citizen
from tests.support.qt import wait_idle


def _ready(ci) -> bool:
    box = ci.input
    return box.hasFocus() and (box.text() == "" or box.selectedText() == box.text())


def _someone(controller) -> str:
    with controller.db.session() as s:
        c = s.scalars(select(Citizen).where(Citizen.status == "new", Citizen.id_number.is_not(None))
                      .order_by(Citizen.id)).first()
        assert c is not None and c.id_number
        return c.id_number


def _open(qtbot, window):
    window.activateWindow()
    ci = window.checkin
    window.tabs.setCurrentWidget(ci)
    qtbot.waitUntil(lambda: ci.input.hasFocus(), timeout=3000)
    return ci


def test_the_scan_box_is_ready_after_a_walk_in(qtbot, controller, window):
    ci = _open(qtbot, window)
    fields = {"full_name": "Lê Văn Đến", "id_number": make("056", 1990, "M", 912346), "birth_date": "05/06/1990",
              "sex": "M", "village": "Thôn Bình Ba", "phone": ""}
    ci._add_walk_in(fields)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✔"), timeout=5000)
    assert ci.input.text() == fields["id_number"]
    assert _ready(ci), (ci.input.text(), ci.input.selectedText())


def test_the_scan_box_is_ready_after_a_mark_a_refusal_and_a_cancelled_walk_in(qtbot, controller, window):
    ci = _open(qtbot, window)
    ci.input.setText(_someone(controller))
    ci._enter()
    assert ci.current is not None and _ready(ci)
    ci.mark("attended")
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✔"), timeout=5000)
    assert _ready(ci)
    ci.input.deselect()
    ci.mark("no_show")  # refused: already came today
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✖"), timeout=5000)
    assert _ready(ci), (ci.input.text(), ci.input.selectedText())
    ci.input.deselect()
    ci.walk_in()
    ci._walkin_dialog.reject()
    qtbot.waitUntil(lambda: _ready(ci), timeout=3000)
