"""Words an officer should never read: a point's code, a command line, an exception's class name."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QAction

from desktop.errors import ServiceError
from desktop.services.province_link import hub_link
from desktop.services.register import points
from desktop.storage import keys
from desktop.ui.support import lang
from desktop.ui.support.errors import user_message
from desktop.ui.support.sync_words import app_words
from sync import failures
from tests.support.qt import wait_idle


def test_a_day_close_names_the_points_not_their_codes(qtbot, window, controller, demo_db):
    from desktop.ui.actions import sync as sync_actions

    with demo_db.session() as s:
        point = points.list_points(s, active_only=True)[0]
        code, name = point.code, point.name
    sync_actions.ask_close_day(window.shell, dt.date.today(), None, confirm=False)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: "Đã chốt" in window.statusBar().currentMessage(), timeout=5000)
    said = window.statusBar().currentMessage()
    assert name in said and "không theo điểm" in said, said
    assert code not in said.replace(name, "") and "_XA" not in said, said


@pytest.mark.parametrize("lang_code,menu", [("vi", "Đồng bộ → Kết nối bằng tệp"), ("en", "Sync → Connect by file")])
def test_not_connected_names_the_menu_path_in_the_app_in_its_language(qapp, lang_code, menu):
    lang.install(lang_code)
    exc = hub_link.NotConnected(failures.MSG_NOT_CONNECTED, en=hub_link.MSG_NOT_CONNECTED_EN)
    for said in (user_message(exc), app_words(failures.MSG_NOT_CONNECTED)):
        assert said is not None and menu in said and "enrollpoint" not in said, said
    assert "enrollpoint connect" in failures.MSG_NOT_CONNECTED  # the CLI keeps its own step


def test_the_english_panel_shows_the_stored_sync_error_in_english(qapp):
    lang.install("en")
    said = app_words(failures.MSG_SERVER.format(code=503))
    assert said.startswith("The province server has an error (code 503)"), said


def test_keyring_failures_name_no_exception_class(monkeypatch):
    class Broken:
        def set_password(self, *a):
            raise RuntimeError("dbus gone")

        get_password = set_password

    monkeypatch.setattr(hub_link, "_secure_keyring", lambda: Broken())
    with pytest.raises(ServiceError) as refused:
        hub_link._keyring_set("x", {"token": "t"})
    for words in (refused.value.message, refused.value.words("en")):
        assert "RuntimeError" not in words and "Chi tiết" not in words and "Details" not in words, words
    for words in (keys._no_store_message(RuntimeError("x")), keys._no_store_message_en(RuntimeError("x"))):
        assert "RuntimeError" not in words, words


def test_qt_standard_buttons_speak_the_interface_language(qtbot, window, controller):
    from PySide6.QtWidgets import QDialogButtonBox

    def texts() -> list[str]:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes
                               | QDialogButtonBox.StandardButton.No | QDialogButtonBox.StandardButton.Close
                               | QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Save)
        return sorted(b.text().replace("&", "") for b in box.buttons())

    assert texts() == sorted(["Hủy", "Có", "Không", "Đóng", "Đồng ý", "Lưu"])
    window.findChild(QAction, "actLang_en").trigger()
    assert texts() == sorted(["Cancel", "Yes", "No", "Close", "OK", "Save"])
