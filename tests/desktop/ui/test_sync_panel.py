"""Sync panel offscreen: waiting count, last error in Vietnamese, "Gửi ngay" runs off the UI thread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from desktop import config
from desktop.changes import changes_of, declares
from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, outbox
from desktop.settings_keys import KEY_HUB_URL
from desktop.ui.views.sync_panel import SyncPanel
from sync.outbox_port import SyncResult
from tests.support.qt import wait_idle


@pytest.fixture
def laptop(db):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        for i in range(3):
            dayclose.close_day(s, dt.date(2025, 8, 1) + dt.timedelta(days=i), now=dt.datetime(2025, 8, 9, tzinfo=dt.UTC))
    return db


def _stand_in(fake: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for `hub_link.sync_now` declares what the real service declares (desktop/changes.py)."""
    return declares(changes_of(hub_link.sync_now))(fake)


def test_shows_waiting_and_vietnamese_error_when_not_connected(qtbot, laptop, app_for):
    app = app_for(laptop)
    panel = SyncPanel(app)
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
    assert app.runner.wait(5_000)


def test_send_now_runs_off_the_ui_thread_and_updates(qtbot, laptop, app_for, monkeypatch):
    release = threading.Event()
    seen: dict[str, object] = {}

    def fake_hub_sync(db, **_kw):
        seen["thread"] = threading.current_thread()
        release.wait(10)  # the UI must stay live meanwhile
        with db.session() as s:  # what a successful drain leaves behind
            for item, _ in outbox.pending(s):
                item.sent_at = dt.datetime(2025, 8, 9, 12, 0)
            result = SyncResult(sent=3)
            outbox.record_run(s, result)
        return result

    monkeypatch.setattr(hub_link, "sync_now", _stand_in(fake_hub_sync))
    app = app_for(laptop)
    panel = SyncPanel(app)
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
    assert hub_link.hub_info(laptop)[KEY_HUB_URL] == ""
    wait_idle(qtbot, app.runner)


def test_a_send_does_not_hold_up_the_database_lane(qtbot, laptop, app_for, monkeypatch):
    """A slow hub (network lane) must not delay a check-in write (database lane)."""
    release = threading.Event()
    monkeypatch.setattr(hub_link, "sync_now", _stand_in(lambda db, **_kw: (release.wait(10), SyncResult())[1]))
    app = app_for(laptop)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    panel.send_now()
    done: list[int] = []
    app.runner.op(lambda job: 7).success(done.append).run()
    qtbot.waitUntil(lambda: done == [7], timeout=5000)
    assert panel.busy  # still sending
    release.set()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


def test_a_day_close_refreshes_the_panel(qtbot, laptop, app_for):
    from desktop.ui.operations import sync as sync_ops

    app = app_for(laptop)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    assert panel.waiting_label.text() == "3"
    app.runner.op(sync_ops.close_day(dt.date(2025, 8, 4), None, None)).run()
    qtbot.waitUntil(lambda: panel.waiting_label.text() == "4", timeout=5000)


def test_a_failed_send_is_logged_not_printed(qtbot, laptop, app_for, monkeypatch, caplog, capfd):
    def broken(db, **_kw):
        raise RuntimeError("hub client bug")

    monkeypatch.setattr(hub_link, "sync_now", _stand_in(broken))
    app = app_for(laptop)
    panel = SyncPanel(app)
    qtbot.addWidget(panel)
    with caplog.at_level("ERROR"):
        panel.send_now()
        qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert "hub client bug" in caplog.text
    assert "lỗi không lường trước" in panel.error_label.text()
    assert "hub client bug" not in capfd.readouterr().err
