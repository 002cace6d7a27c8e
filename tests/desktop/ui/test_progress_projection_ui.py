"""The progress screen's projection column follows common.projection: "Đạt ngày d/m" for a target reached, and
"không tiến triển N ngày" after a projected date when nothing has moved for a while."""

from __future__ import annotations

import datetime as dt


def test_progress_screen_shows_the_day_reached_and_a_stall(qtbot, window, demo_db):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from desktop.models import Target
    from desktop.services.figures import progress
    from desktop.ui.support.columns import text_of

    today = dt.date.today()
    with demo_db.session() as s:
        before = progress.progress(s, today, series_days=1)
        card = before.get("card_captured")
        assert card.cumulative > 0
        s.query(Target).filter(Target.indicator == "card_captured").delete()
        s.add(Target(indicator="card_captured", value=1, deadline=None, updated_at=dt.datetime.now()))
        reached = progress.progress(s, today, series_days=1).get("card_captured").reached
    assert reached is not None
    window.tabs.setCurrentWidget(window.progress)
    window.progress.reload()
    table = window.progress.indicators
    cells = {table.item(r, 0).data(0x0100): text_of(table.item(r, 5)) for r in range(table.rowCount())}
    assert cells["card_captured"] == f"Đạt ngày {reached.day}/{reached.month}"
    later = today + dt.timedelta(days=10)  # nothing recorded after today: ten days without progress by then
    with demo_db.session() as s:
        s.query(Target).filter(Target.indicator == "card_captured").update({"value": 10**7})
        row = progress.progress(s, later, series_days=1).get("card_captured")
    assert row.stalled is not None and row.stalled >= 10
    window.progress.day.setDate(QDate(later.year, later.month, later.day))
    window.progress.reload()
    text = {table.item(r, 0).data(0x0100): text_of(table.item(r, 5)) for r in range(table.rowCount())}["card_captured"]
    assert text.endswith(f" — không tiến triển {row.stalled} ngày")
