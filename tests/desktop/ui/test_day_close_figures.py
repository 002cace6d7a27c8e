"""Closing the day shows, before the officer confirms, the figures each report will carry (per point, as the
report carries them), says they go to the province, and says on screen afterwards that it is done."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from desktop.models import DayReport
from desktop.services.figures import dayclose
from desktop.ui.dialogs.day_close import DayCloseDialog
from sync.protocol import INDICATORS
from tests.support.qt import wait_idle


def _busiest_day(controller) -> dt.date:
    """A day of the demo's history with events at a point (the demo records some past days)."""
    with controller.db.session() as s:
        for back in range(0, 60):
            day = dt.date.today() - dt.timedelta(days=back)
            if any(sum(t.values()) for _c, _n, t in dayclose.close_preview(s, day)):
                return day
    raise AssertionError("the demo has no day with events")


def test_the_figures_shown_are_those_the_reports_carry(qtbot, controller, window):
    from desktop.ui.actions import sync as sync_actions

    day = _busiest_day(controller)
    dlg = DayCloseDialog(controller.app, window)
    qtbot.addWidget(dlg)
    dlg.day.setDate(day)
    shown = dlg.shown()  # one column per point, one row per indicator
    assert dlg.table.rowCount() == len(INDICATORS)
    assert shown and any(sum(v) for v in shown.values())
    note = dlg.findChild(QLabel, "dayCloseNote")
    assert note is not None and "công an tỉnh" in note.text()
    sync_actions.ask_close_day(window.shell, day, None, confirm=False)
    wait_idle(qtbot, controller.runner)
    with controller.db.session() as s:
        names = {c: n for c, n, _t in dayclose.close_preview(s, day)}
        reports = s.scalars(select(DayReport).where(DayReport.day == day)).all()
        carried = {}
        for rep in reports:
            totals = json.loads(rep.totals_json)["totals"]
            label = names.get(rep.point_code, rep.point_code)
            carried[label] = [int(totals.get(k, 0)) for k in INDICATORS]
    for label, values in shown.items():
        if label in carried:
            assert carried[label] == values, label
    assert any(label in carried for label in shown)
    said = window.shell.sync_panel.offline_label.text()
    assert "Đã chốt ngày" in said and "công an tỉnh" in said, said
