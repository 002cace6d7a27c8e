"""The "Máy trong xã" panel offscreen: two real laptops (SQLite files), a real peer server on 127.0.0.1,
one-click sync through the runner's network lane, the paired laptop listed, a conflict in Vietnamese."""

from __future__ import annotations

import datetime as dt

from desktop.services.peer import group, lan
from desktop.services.scheduling.booking import book
from desktop.services.scheduling.enrollment_sessions import create_enrollment_session
from desktop.storage.connect import driver_connection
from desktop.ui.views.peers import GroupCodeDialog, PeersPanel
from tests.support.peers import add_person, laptop, register
from tests.support.qt import wait_idle


def test_panel_syncs_with_one_click_and_lists_the_conflict(qtbot, tmp_path, app_for):
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code, name="Máy 2 (Nguyễn Văn An)")
    cid = add_person(a, "Võ Thị Giang", "001190044444")
    with a.session() as s:
        es = create_enrollment_session(s, point_id=1, day=dt.date.today() + dt.timedelta(days=2),
                                       start="07:30", end="11:30")
    server = lan.PeerServer(a).start()
    try:
        app = app_for(b)
        panel = PeersPanel(app)
        qtbot.addWidget(panel)
        assert "chưa" not in panel.me_label.text() and panel.sync_button.isEnabled()
        panel.address.setText(f"127.0.0.1:{server.port}")
        panel.sync_now()
        wait_idle(qtbot, app.runner)
        assert "Đã đồng bộ" in panel.status_label.text()
        assert panel.peer_rows()[0][0] == server._srv.name and panel.peer_rows()[0][3] == "0"
        with b.session() as s:
            conn = driver_connection(s)
            bid = conn.execute("SELECT id FROM citizens WHERE id_number = '001190044444'").fetchone()[0]
            bes = conn.execute("SELECT id FROM enrollment_sessions").fetchone()[0]
        with a.session() as s:
            book(s, cid, es.id)
        with b.session() as s:
            book(s, bid, bes)
        panel.sync_now()
        wait_idle(qtbot, app.runner)
        assert any("hai lịch hẹn trong cùng buổi" in t and "Võ Thị Giang" in t for t in panel.conflict_texts())
    finally:
        server.stop()
    assert register(a) == register(b)


def test_outside_laptop_sees_why(qtbot, tmp_path, app_for):
    a = laptop(tmp_path, "a")
    app = app_for(a)
    panel = PeersPanel(app)
    qtbot.addWidget(panel)
    assert "chưa ở trong nhóm" in panel.me_label.text() and not panel.sync_button.isEnabled()


def test_group_code_dialog_shows_code_and_qr(qtbot):
    dlg = GroupCodeDialog("B6PM-W07V-GR7C-CMN1-A3QS-8XHG-ET1N-ZNE7-X8ZT")
    qtbot.addWidget(dlg)
    assert dlg.code_label.text().startswith("B6PM") and len(dlg.qr.modules) >= 21


def test_a_cut_import_is_said_when_the_app_starts(qtbot, tmp_path, app_for):
    """A peer file import cut half-way is told in the window at start, until imported again."""
    from PySide6.QtWidgets import QMainWindow

    from desktop.services.peer import unfinished
    from desktop.ui.actions.peers import warn_unfinished_import

    a = laptop(tmp_path, "a")
    app = app_for(a)
    win = QMainWindow()
    qtbot.addWidget(win)
    assert warn_unfinished_import(app, win) is None
    with a.session() as s:
        unfinished.begin(s, "f" * 32, "may1.epp")
    box = warn_unfinished_import(app, win)
    assert box is not None and "may1.epp" in box.text() and "chưa được nhập hết" in box.text()
    box.close()
    with a.session() as s:
        unfinished.done(s, "f" * 32)
    assert warn_unfinished_import(app, win) is None
