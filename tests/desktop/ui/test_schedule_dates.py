"""Creating a session: a past day is refused in words (not silently), and a session today that has already
ended asks first."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from desktop.models import EnrollmentSession
from tests.support.qt import wait_idle


def _sessions(controller) -> int:
    with controller.db.session() as s:
        return s.scalar(select(func.count()).select_from(EnrollmentSession)) or 0


def test_a_past_day_is_refused_with_words(qtbot, controller, window, monkeypatch):
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    view = window.schedule
    window.tabs.setCurrentWidget(view)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: view.point.currentData() is not None, timeout=5000)
    before = _sessions(controller)
    view.day.setDate(QDate.currentDate().addDays(-3))
    view.create_session()
    wait_idle(qtbot, controller.runner)
    assert _sessions(controller) == before
    assert len(warned) == 1 and "đã qua" in warned[0], warned


def test_a_session_today_already_over_asks_first(qtbot, controller, window, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.No)
    view = window.schedule
    view.day.setDate(QDate.currentDate())
    view.start.setTime(QTime(7, 30))
    view.end.setTime(QTime(11, 30))
    afternoon = dt.datetime.combine(dt.date.today(), dt.time(14, 50))
    assert view._day_and_hours_make_sense(now=afternoon) is False
    assert len(asked) == 1 and "11:30" in asked[0] and "14:50" in asked[0], asked
    morning = dt.datetime.combine(dt.date.today(), dt.time(7, 0))
    assert view._day_and_hours_make_sense(now=morning) is True and len(asked) == 1
