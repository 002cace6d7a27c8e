""""Các buổi đã lên lịch" lists the sessions where citizens still hold a booked appointment, however old,
not only the last 30 days' (it started empty although citizens held appointments on earlier days)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select, update

from desktop.models import Citizen, EnrollmentSession
from desktop.services import scheduling
from desktop.services.register import points
from tests.support.qt import wait_idle


def test_an_old_session_with_a_booked_appointment_is_listed(qtbot, controller, window):
    with controller.db.session() as s:
        point = points.list_points(s, active_only=True)[0]
        es = scheduling.create_enrollment_session(s, point_id=point.id, day=dt.date.today() + dt.timedelta(days=40),
                                                  start="13:00", end="14:00")
        someone = s.scalars(select(Citizen).where(Citizen.status == "new").order_by(Citizen.id)).first()
        scheduling.book(s, someone.id, es.id)
        sid = es.id
        s.execute(update(EnrollmentSession).where(EnrollmentSession.id == sid)
                  .values(day=dt.date.today() - dt.timedelta(days=75)))
    view = window.schedule
    window.tabs.setCurrentWidget(view)
    view.reload()
    wait_idle(qtbot, controller.runner)
    listed = [view.sessions.item(i).data(Qt.ItemDataRole.UserRole) for i in range(view.sessions.count())]
    assert sid in listed
