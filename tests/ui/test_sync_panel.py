"""Sync panel offscreen: waiting count, last error in Vietnamese, "Gửi ngay" runs off the UI thread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from desktop import config
from desktop.models import Point
from desktop.services import dayclose, hub_link, outbox
from desktop.ui.sync_panel import SyncPanel
from sync.client import SyncResult


@pytest.fixture
def laptop(db):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        for i in range(3):
            dayclose.close_day(s, dt.date(2025, 8, 1) + dt.timedelta(days=i), now=dt.datetime(2025, 8, 9, tzinfo=dt.UTC))
    return db


def test_shows_waiting_and_vietnamese_error_when_not_connected(qtbot, laptop):
    panel = SyncPanel.for_database(laptop)
    qtbot.addWidget(panel)
    assert panel.waiting_label.text() == "3"
    assert panel.last_sync_label.text() == "chưa có"
    assert panel.send_button.text() == "Gửi ngay"
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000) as sig:
        panel.send_now()
    assert sig.args[0].error.startswith("Máy chưa được kết nối")
    assert panel.error_label.text().startswith("Máy chưa được kết nối")
    assert panel.waiting_label.text() == "3"
    assert panel.send_button.isEnabled()
    assert panel.shutdown(5_000)


def test_send_now_runs_off_the_ui_thread_and_updates(qtbot, laptop):
    release = threading.Event()
    seen: dict[str, object] = {}

    def status():
        with laptop.session() as s:
            return outbox.status(s)

    def fake_hub_sync():
        seen["thread"] = threading.current_thread()
        release.wait(10)  # the UI must stay live meanwhile
        with laptop.session() as s:  # what a successful drain leaves behind
            for item, _ in outbox.pending(s):
                item.sent_at = dt.datetime(2025, 8, 9, 12, 0)
            result = SyncResult(sent=3)
            outbox.record_run(s, result)
        return result

    panel = SyncPanel(status, fake_hub_sync)
    qtbot.addWidget(panel)
    panel.send_now()
    assert panel.busy and not panel.send_button.isEnabled()
    assert panel.state_label.text() == "Đang gửi…"
    panel.send_now()  # a second click while sending does nothing
    qtbot.wait(50)  # the event loop turns while the worker blocks
    assert panel.busy
    with qtbot.waitSignal(panel.sync_finished, timeout=10_000):
        release.set()
    assert seen["thread"] is not threading.main_thread()
    assert panel.waiting_label.text() == "0"
    assert panel.state_label.text() == "Đã gửi 3 báo cáo."
    assert panel.last_sync_label.text() != "chưa có"
    assert not panel.error_label.isVisibleTo(panel)
    assert hub_link.hub_info(laptop)[hub_link.KEY_HUB_URL] == ""
    assert panel.shutdown(5_000)
