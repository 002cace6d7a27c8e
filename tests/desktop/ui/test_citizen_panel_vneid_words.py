"""The queue's citizen panel: the VNeID step in words, "chỉ có năm sinh", and no second
level-2 registration among the next actions of someone already activated."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtTest import QTest
from sqlalchemy import select

from desktop.models import Citizen
from desktop.services.register import statuses


@pytest.fixture
def picked(demo_db):
    """Two citizens of the demo commune: one activated by the events, one whose birth is a year only."""
    with demo_db.session() as s:
        rows = list(s.scalars(select(Citizen).where(Citizen.has_card.is_(True), Citizen.vneid_stage == 0,
                                                   Citizen.status == "new", Citizen.id_number.is_not(None))
                              .order_by(Citizen.id).limit(2)))
        active, year_only = rows
        at = dt.datetime(2026, 3, 2, 9)
        for ev in ("vneid_l2_captured", "vneid_approved", "vneid_activated"):
            statuses.record_event(s, active, ev, at=at)
        year_only.birth_date = None  # the list gave only the year
        return active.id_number, year_only.id_number, year_only.birth_year


def _show(qtbot, view, id_number: str) -> None:
    view.search.clear()
    QTest.keyClicks(view.search, id_number)
    qtbot.waitUntil(lambda: view.model.rowCount() >= 1 and view.model.row_at(0).id_number == id_number,
                    timeout=5000)
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.waitUntil(lambda: view.panel.fields["id_number"].text() == id_number, timeout=3000)


def test_panel_words_and_actions(qtbot, picked, window) -> None:
    active, year_only, year = picked
    view = window.queue
    _show(qtbot, view, active)
    assert view.panel.fields["vneid"].text() == "Đã kích hoạt tài khoản VNeID"
    assert "mức 3" not in view.panel.fields["vneid"].text()
    assert view.panel.buttons and "vneid_l2_captured" not in view.panel.buttons
    assert "vneid_l2_elsewhere" not in view.panel.buttons and "vneid_activated" not in view.panel.buttons
    _show(qtbot, view, year_only)
    assert view.panel.fields["birth"].text() == f"{year} (chỉ có năm sinh)"
    assert view.panel.fields["vneid"].text() == "Chưa đăng ký tài khoản VNeID mức 2"
    assert "vneid_l2_captured" in view.panel.buttons  # has a card, nothing registered: offered
    assert view.panel.buttons["vneid_l2_elsewhere"].text() == "Đã đăng ký VNeID mức 2 ở nơi khác"
