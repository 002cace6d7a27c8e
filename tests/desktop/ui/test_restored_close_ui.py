"""In the app: a restored laptop's re-close below the hub's figures asks first, and closes only on
the officer's "Yes" (the CLI's --confirm-lower)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from desktop import config
from desktop.models import DayReport, OutboxItem
from desktop.services.province_link import restored, succession
from desktop.services.register import points
from tests.support.qt import wait_idle

DAY = dt.date(2026, 11, 20)


def _restored_with_hub_figures(db) -> str:  # type: ignore[no-untyped-def]
    """As after `restore` + a replacement code: the hub's report for DAY (5 cards) stored as delivered."""
    restored.mark(db)
    with db.session() as s:
        code = points.list_points(s, active_only=True)[0].code
        commune = config.commune(s)
        assert commune is not None
        succession.store_predecessor(s, commune.code, [{
            "point_code": code, "day": DAY.isoformat(), "revision": 3, "closed_at": "2026-11-20T10:00:00Z",
            "totals": {"card_captured": 5}, "by_village": {"Thôn Đông": {"card_captured": 5}}}])
    return code


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_a_lower_re_close_asks_and_closes_only_when_confirmed(qtbot, window, controller, demo_db, monkeypatch,
                                                              answer) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.actions import sync as sync_actions

    code = _restored_with_hub_figures(demo_db)
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    sync_actions.ask_close_day(window.shell, DAY, code, confirm=False)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    wait_idle(qtbot, controller.runner)
    assert "GIẢM" in asked[0] and "hồ sơ thẻ căn cước 5 → " in asked[0]
    with demo_db.session() as s:
        rows = s.execute(select(DayReport.revision, OutboxItem.sent_at).join(
            OutboxItem, OutboxItem.report_id == DayReport.id).where(
            DayReport.day == DAY, DayReport.point_code == code).order_by(DayReport.revision)).all()
    if answer == QMessageBox.StandardButton.No:
        assert [r for r, _ in rows] == [3]  # nothing written
    else:
        assert [r for r, _ in rows] == [3, 4] and rows[1][1] is None  # revision 4 waits to be sent
