"""Windows fit the screen and dialogs keep their words (offscreen; the real display is tests/e2e/test_screen_fit.py).

The main window's size and maximised state are remembered and, restored, clipped to the screen; switching
language keeps the side panels open; the login and walk-in dialogs grow for their messages (and the walk-in
shrinks back when they clear); "vo c" completes "Thôn Võ Cạnh"; numbers and plurals follow the language.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMargins, QPoint, QRect, QSize

from tests.support.qt import wait_idle


def test_fit_rect_keeps_the_frame_inside_the_work_area():
    from desktop.ui.support.fit import fit_rect

    area = QRect(0, 0, 1366, 728)  # 768 less a 40 px taskbar
    frame = QMargins(4, 30, 4, 4)
    r = fit_rect(QSize(820, 960), None, area, frame)  # the print preview's wish
    assert r.size() == QSize(820, 728 - 34)
    assert area.contains(r.adjusted(-4, -30, 4, 4))
    r = fit_rect(QSize(1366, 768), QPoint(0, 0), area, frame)  # the old main window
    assert r == QRect(4, 30, 1366 - 8, 728 - 34)
    r = fit_rect(QSize(400, 300), QPoint(1300, 700), area, frame)  # dragged half off-screen last time
    assert area.contains(r.adjusted(-4, -30, 4, 4)) and r.size() == QSize(400, 300)


def test_main_window_fits_and_remembers_its_size(qtbot, controller, demo_db):
    from desktop import config
    from desktop.settings_keys import KEY_WINDOW_PLACEMENT

    win = controller.open_main_window()
    qtbot.waitExposed(win)
    area = win.screen().availableGeometry()
    assert win.width() <= area.width() and win.height() <= area.height()  # not 1366×768 blindly
    win.resize(720, 600)
    win.move(20, 10)
    qtbot.waitUntil(lambda: _saved(demo_db, KEY_WINDOW_PLACEMENT) != "", timeout=4000)
    wait_idle(qtbot, controller.runner)
    saved = json.loads(_saved(demo_db, KEY_WINDOW_PLACEMENT))
    assert (saved["w"], saved["h"], saved["max"]) == (720, 600, False)
    # a placement from a bigger screen: restored clipped to this one
    with demo_db.session() as s:
        config.put(s, KEY_WINDOW_PLACEMENT, json.dumps({"x": -900, "y": 50, "w": 3000, "h": 2000, "max": True}))
    win.close()
    controller.window = None
    again = controller.open_main_window()
    qtbot.waitExposed(again)
    assert again.open_maximised
    normal = again.normalGeometry() if again.isMaximized() else again.geometry()
    assert area.contains(normal), (normal, area)


def _saved(db, key: str) -> str:
    from desktop import config

    with db.session() as s:
        return config.get(s, key, "")


def test_switching_language_keeps_the_side_panels_open(qtbot, window, controller):
    from desktop.ui.support import lang

    window.shell.sync_dock.show()
    qtbot.waitUntil(window.shell.sync_dock.isVisible)
    controller.switch_language("en")
    try:
        new = controller.window
        assert new is not window
        qtbot.waitExposed(new)
        assert new.shell.sync_dock.isVisible()
    finally:
        lang.install("vi")


def test_walk_in_errors_grow_clear_and_shrink_and_villages_complete_without_accents(qtbot):
    from desktop.ui.dialogs.walk_in import WalkInDialog

    dlg = WalkInDialog(None, ["Thôn Võ Cạnh", "Thôn Vĩnh Cát", "Khu phố Đông Hải 2"])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    before = dlg.height()
    dlg.inputs["full_name"].setText("Nguyễn Thị Thuỳ")
    dlg.inputs["id_number"].setText("999000123456")
    dlg._try_accept()
    err = dlg.errors["id_number"]
    assert err.isVisible() and err.text()
    assert err.height() >= err.heightForWidth(err.width())  # the whole reason shows, nothing overlaps
    assert dlg.height() > before
    qtbot.keyClicks(dlg.inputs["id_number"], "7")  # fixing the field clears its old reason…
    assert not err.isVisible()
    assert dlg.height() == before  # …and the room it took
    completer = dlg.inputs["village"].completer()
    completer.setCompletionPrefix("vo c")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "Thôn Võ Cạnh"
    completer.setCompletionPrefix("dong hai")
    assert completer.currentCompletion() == "Khu phố Đông Hải 2"


def test_login_dialog_shows_its_title_and_whole_message(qtbot, app_for, demo_db):
    from PySide6.QtGui import QFontMetrics

    from desktop.services import auth
    from desktop.ui.dialogs.login import LoginDialog

    with demo_db.session() as s:
        auth.create_operator(s, "Nguyễn Thị Thuỳ Dương", "123456", "supervisor")
    app = app_for(demo_db)
    dlg = LoginDialog(app)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.width() >= QFontMetrics(dlg.font()).horizontalAdvance(dlg.windowTitle()) + 100  # not ~210 px
    dlg.pin_edit.setText("000000")
    dlg.try_login()
    qtbot.waitUntil(lambda: bool(dlg.message.text()), timeout=10000)
    msg = dlg.message
    assert msg.height() >= msg.heightForWidth(msg.width())
    for field in (dlg.name_box, dlg.pin_edit):
        assert field.height() >= field.minimumSizeHint().height()  # diacritics not clipped


@pytest.mark.parametrize(("code", "big", "pct", "one"), [
    ("vi", "2.001", "40,9 %", "1 máy"), ("en", "2,001", "40.9%", "1 kit")])
def test_numbers_and_plurals_follow_the_language(code, big, pct, one):
    from desktop.ui.support import lang, numbers
    from desktop.ui.views.schedule import _kits_suffix

    lang.install(code)
    try:
        assert numbers.number(2001) == big
        assert numbers.percent(40.94) == pct
        assert f"1{_kits_suffix(1)}" == one
        assert numbers.counted("1 people/slot × 2 slots = 2 people", code).startswith(
            "1 person/slot" if code == "en" else "1 people")
    finally:
        lang.install("vi")


def test_chart_scales_use_round_steps():
    from desktop.ui.support.chart import nice_ticks

    assert nice_ticks(26) == [0, 10, 20, 30]  # not 0/6/13/20/26
    assert nice_ticks(1255) == [0, 500, 1000, 1500]
    assert nice_ticks(0) == [0, 1]


def test_progress_percentages_in_english(qtbot, window, controller):
    import re

    from desktop.ui.support import lang

    controller.switch_language("en")
    try:
        win = controller.window
        win.tabs.setCurrentWidget(win.progress)
        qtbot.waitUntil(lambda: win.progress.indicators.rowCount() > 0, timeout=5000)
        shown = [win.progress.indicators.item(r, 4).text() for r in range(win.progress.indicators.rowCount())]
        assert all(t == "—" or re.fullmatch(r"\d+\.\d%", t) for t in shown), shown
        cumulative = [win.progress.indicators.item(r, 2).text() for r in range(win.progress.indicators.rowCount())]
        assert not any("." in t for t in cumulative), cumulative  # "1,255", never "1.255", in English
    finally:
        lang.install("vi")


def test_queue_filters_wrap_instead_of_squeezing(qtbot, window):
    from PySide6.QtWidgets import QComboBox

    window.resize(700, 600)
    window.tabs.setCurrentWidget(window.queue)
    qtbot.wait(50)
    for combo in window.queue.findChildren(QComboBox):
        if combo.isVisible():
            assert combo.width() >= combo.sizeHint().width(), combo.objectName()
    assert window.queue.search.width() > 250
