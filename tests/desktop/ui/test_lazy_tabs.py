"""The main window builds only the queue before its first paint; the other tabs build when first shown
(or first asked for), in place, with the same titles, shortcuts and behaviour."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QAction

from desktop.services import scheduling
from desktop.services.register import points
from desktop.ui.views.checkin import CheckinView
from desktop.ui.views.progress import ProgressView
from desktop.ui.views.queue import QueueView
from desktop.ui.views.schedule import ScheduleView
from tests.support.qt import wait_idle

LATER = (ScheduleView, CheckinView, ProgressView)


def _built(win, kind) -> list:
    return win.findChildren(kind)


def test_only_the_queue_is_built_before_the_first_paint(qtbot, window):
    assert [type(v) for v in window.views] == [QueueView]
    assert all(_built(window, kind) == [] for kind in LATER)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["&1 Danh sách công dân", "&2 Lịch thu nhận", "&3 Tiếp nhận", "&4 Tiến độ"]
    assert window.shell.current_session_id() is None  # no tab shown: no session chosen, nothing built
    assert all(_built(window, kind) == [] for kind in LATER)


def test_a_tab_is_built_when_first_shown_and_then_kept(qtbot, window):
    act = next(a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+2")
    act.trigger()  # "Lịch thu nhận" from the View menu (Ctrl+2)
    sched = window.tabs.currentWidget()
    assert isinstance(sched, ScheduleView) and window.tabs.currentIndex() == 1
    assert sched is window.schedule and sched._loaded  # loaded as it was shown
    assert window.tabs.tabText(1) == "&2 Lịch thu nhận"
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentIndex(1)
    assert window.tabs.currentWidget() is sched and len(_built(window, ScheduleView)) == 1
    assert _built(window, CheckinView) == [] and _built(window, ProgressView) == []


def test_asking_for_a_view_builds_it_without_switching(qtbot, window):
    progress = window.progress
    assert window.tabs.currentIndex() == 0 and window.tabs.indexOf(progress) == 3
    assert not progress._loaded  # built hidden: loads when shown, as every view
    window.tabs.setCurrentIndex(3)
    assert progress._loaded and window.views[-1] is progress


def test_schedule_opens_check_in_building_it(qtbot, window, controller):
    with controller.db.session() as s:
        point = points.list_points(s, active_only=True)[0]
        sid = scheduling.create_enrollment_session(s, point_id=point.id, day=dt.date.today(),
                                                   start="07:00", end="08:00").id
    sched = window.schedule
    window.tabs.setCurrentWidget(sched)
    wait_idle(qtbot, controller.runner)
    assert _built(window, CheckinView) == []
    sched.open_checkin.emit(sid)  # "Tiếp nhận buổi này": the wiring made when the schedule was built
    assert isinstance(window.tabs.currentWidget(), CheckinView)
    assert window.tabs.currentWidget() is window.checkin and len(_built(window, CheckinView)) == 1
    assert window.checkin.session_id() == sid
