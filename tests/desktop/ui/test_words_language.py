"""Every window and dialog speaks the interface's language: the main window's tabs and panels, every dialog
its menus open (caught as it opens, read, then cancelled), Qt's own file, print and message dialogs, in
Vietnamese and in English. Data (names, villages, point names) is exempt (tests/support/words.py)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget, QFileDialog, QMessageBox, QWidget
from sqlalchemy import select

from desktop.models import Citizen, Operator, Point, Setting
from desktop.services.peer import ids
from desktop.ui.dialogs.error import BugDialog
from desktop.ui.dialogs.walk_in import WalkInDialog
from tests.support import words
from tests.support.qt import wait_idle

# Menu items left out of the walk: they end the session, switch the language or serve on the network.
SKIP = {"actQuit", "actLang_vi", "actLang_en", "actPeerServe", "actSwitchOperator"}
# Data the test itself shows, and an example of data: the addressees of a report are Vietnamese offices.
EXAMPLES = {"Thôn 1", "Ban Chỉ đạo Đề án 06 phường Nha Trang\nCông an tỉnh Khánh Hòa"}
STATES = {"booked", "attended", "no_show", "moved", "cancelled", "planned", "card_captured",
          "vneid_l2_captured", "vneid_activated", "new"}


def _data(controller) -> tuple[list[str], set[str]]:
    """The data strings (exempt) and the internal codes (never shown) of the demo commune."""
    data: set[str] = set()
    with controller.db.session() as s:
        for c in s.scalars(select(Citizen)):
            data |= {c.full_name, c.village, c.address, c.note, c.family_name, c.given_name}
        for p in s.scalars(select(Point)):
            data |= {p.name, p.address}
        data |= set(s.scalars(select(Operator.name)))
        data |= {v for v in s.scalars(select(Setting.value)) if isinstance(v, str) and len(v) < 200}
        codes = {p.code for p in s.scalars(select(Point))} | STATES | {"enrollpoint"}
        data |= {ids.device_name(s), *EXAMPLES}
    return sorted((d for d in data if d and len(d) > 1), key=len, reverse=True), codes


class Catcher:
    """Reads each dialog that opens (after it has had time to load), then cancels it."""

    def __init__(self, judge) -> None:
        self.judge = judge
        self.first: dict[int, float] = {}  # by the dialog's own id: Python ids are reused after a delete
        self.next_id = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(50)

    def tick(self) -> None:
        for w in QApplication.topLevelWidgets():
            if not (w.isVisible() and isinstance(w, QDialog)) or w.property("caught"):
                continue
            if w.property("catchId") is None:
                self.next_id += 1
                w.setProperty("catchId", self.next_id)
            t0 = self.first.setdefault(int(w.property("catchId")), time.monotonic())
            if time.monotonic() - t0 > 0.5:
                w.setProperty("caught", True)
                try:
                    self.judge(w)
                finally:
                    w.reject()


def _walk(qtbot, controller, window, lang: str) -> list[str]:
    data, codes = _data(controller)
    found: list[str] = []
    seen: list[str] = []

    def judge(w: QWidget) -> None:
        seen.append(type(w).__name__ + ":" + w.windowTitle())
        found.extend(f"[{w.windowTitle()}] {f}" for f in words.findings(w, lang, data, codes))

    for dock in window.findChildren(QDockWidget):
        dock.show()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        wait_idle(qtbot, controller.runner)
        qtbot.wait(100)
        judge(window)
    catcher = Catcher(judge)
    try:
        for act in window.findChildren(QAction):
            if not act.objectName().startswith("act") or act.objectName() in SKIP or not act.isEnabled():
                continue
            act.trigger()
            wait_idle(qtbot, controller.runner)
            qtbot.wait(700)
        printer = QPrinter()  # outlives its dialog
        for dlg in (WalkInDialog(window, villages=["Thôn 1"]), BugDialog(RuntimeError("x"), "", window),
                    QFileDialog(window), QPrintDialog(printer, window),
                    QMessageBox(QMessageBox.Icon.Question, "?", "?", QMessageBox.StandardButton.Yes
                                | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel, window)):
            if isinstance(dlg, QFileDialog):
                dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
            dlg.exec()
    finally:
        catcher.timer.stop()
    judge(window)
    assert len(seen) > 15, seen  # the walk did open the dialogs
    return found


def test_the_vietnamese_interface_shows_no_english_and_no_codes(qtbot, controller, window):
    found = _walk(qtbot, controller, window, "vi")
    assert found == [], "\n".join(found)


def test_the_english_interface_shows_no_vietnamese_and_no_codes(qtbot, controller, window):
    window.findChild(QAction, "actLang_en").trigger()
    english = controller.window
    assert english is not window
    with qtbot.waitExposed(english):
        pass
    found = _walk(qtbot, controller, english, "en")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("text,lang", [("Cancel", "vi"), ("&Yes", "vi"), ("Look in:", "vi"),
                                       ("Đã đến", "en"), ("trạng thái 'attended'", "vi"),
                                       ("TRUSO lần 1", "vi"), ("Chi tiết: RuntimeError", "vi")])
def test_the_judge_catches_the_words_of_the_issue(text, lang):
    assert words.wrong_words(text, lang, ["Nguyễn Văn An"], {"TRUSO"})


@pytest.mark.parametrize("text,lang", [("Hủy", "vi"), ("In giấy hẹn cho Nguyễn Văn An", "vi"),
                                       ("Print slip for Nguyễn Văn An", "en"), ("VNeID mức 2", "vi")])
def test_the_judge_lets_data_and_the_right_language_pass(text, lang):
    assert not words.wrong_words(text, lang, ["Nguyễn Văn An"], {"TRUSO"})
