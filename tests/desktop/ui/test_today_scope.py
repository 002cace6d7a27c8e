"""Check-in's "Hôm nay" and progress' "Hôm nay" name their scope (this point / the whole commune), and for
the same scope they show the same figures."""

from __future__ import annotations

from sqlalchemy import select

from desktop.models import Citizen, Point
from desktop.ui.support.columns import text_of
from tests.support.qt import wait_idle


def test_check_in_and_progress_today_name_their_scope_and_agree(qtbot, controller, window):
    ci = window.checkin
    window.tabs.setCurrentWidget(ci)
    wait_idle(qtbot, controller.runner)
    with controller.db.session() as s:
        someone = s.scalars(select(Citizen).where(Citizen.status == "new", Citizen.id_number.is_not(None))
                            .order_by(Citizen.id)).first()
        id_number = someone.id_number
    ci.lookup(id_number, auto_pick=True)
    ci.mark("attended")
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.message.text().startswith("✔"), timeout=5000)
    ci._refresh_counters()
    point_id = ci.point_id()
    title = ci.counters_box.title()
    with controller.db.session() as s:
        point_name = s.get(Point, point_id).name
    assert title != "Hôm nay" and point_name in title, title

    pv = window.progress
    window.tabs.setCurrentWidget(pv)
    wait_idle(qtbot, controller.runner)
    pv.point.setCurrentIndex(pv.point.findData(point_id))
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: pv.last is not None and pv.last.point_id == point_id, timeout=5000)
    assert text_of(pv.indicators.horizontalHeaderItem(1)) == title  # on one line or broken onto two
    compared = 0
    for row in pv.last.indicators:
        if ci.counter(row.code) is not None:
            assert ci.counter(row.code) == row.today, row.code
            compared += 1
    assert compared >= 3
    pv.point.setCurrentIndex(0)  # the whole commune
    qtbot.waitUntil(lambda: pv.last.point_id is None, timeout=5000)
    assert "toàn xã" in text_of(pv.indicators.horizontalHeaderItem(1))
