"""The main window: four views in tabs, menus built through the Shell (its own, then `menus.py`'s list),
a status bar.

The window owns no data: views get the AppContext, refresh from the `Changes` each operation announces,
and load lazily the first time they are shown (cold start paints the queue only).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from desktop.ui.menus import install_menus
from desktop.ui.shell import Shell
from desktop.ui.support import lang, placement
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit
from desktop.ui.views.base import View

_ = translator("MainWindow")


class MainWindow(QMainWindow):
    language_requested = Signal(str)
    import_requested = Signal()

    def __init__(self, app: AppContext, commune_title: str = "") -> None:
        super().__init__()
        self.app = app
        self.setObjectName("mainWindow")
        self.setWindowTitle(_("EnrollPoint — Thu nhận thẻ căn cước và VNeID") + (f" — {commune_title}" if commune_title else ""))
        self.shell = Shell(self, app)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.views: list[View] = []
        self._build_views()
        self._build_menus()
        self._build_status(commune_title)
        self.shell.add_view_fn = lambda title, w: self.tabs.addTab(w, title)
        self.shell.selected_citizen_ids = self.queue.selected_ids
        self.shell.current_session_id = lambda: self.schedule.session_id() or self.checkin.session_id()
        self.menu_modules = install_menus(self.shell)
        self.open_maximised = placement.restore(self)
        app.runner.busy_changed.connect(self._on_busy)
        self.tabs.currentChanged.connect(self._on_tab)
        self._on_tab(0)

    def _build_views(self) -> None:
        from desktop.ui.views.checkin import CheckinView
        from desktop.ui.views.progress import ProgressView
        from desktop.ui.views.queue import QueueView
        from desktop.ui.views.schedule import ScheduleView

        self.queue = QueueView(self.app, self)
        self.schedule = ScheduleView(self.app, self)
        self.checkin = CheckinView(self.app, self)
        self.progress = ProgressView(self.app, self)
        for view, title in (
            (self.queue, _("&1 Danh sách công dân")),
            (self.schedule, _("&2 Lịch thu nhận")),
            (self.checkin, _("&3 Tiếp nhận")),
            (self.progress, _("&4 Tiến độ")),
        ):
            self.tabs.addTab(view, title)
            self.views.append(view)
        self.schedule.open_checkin.connect(self._open_checkin)

    def _build_menus(self) -> None:
        sh = self.shell
        sh.add_action("file", _("&Nhập danh sách từ tệp…"), lambda: emit(self.import_requested), "Ctrl+I", "actImport")
        sh.menu("file").addSeparator()
        tail = sh.menu("file").addSeparator()
        sh.add_action("file", _("&Thoát"), self.close, QKeySequence.StandardKey.Quit, "actQuit")
        sh.set_menu_tail("file", tail)  # printing and export actions go between import and quit
        for i in range(len(self.views)):
            sh.add_action("view", self.tabs.tabText(i).replace("&", "", 1), partial(self.tabs.setCurrentIndex, i),
                          f"Ctrl+{i + 1}")
        sh.menu("view").addSeparator()
        sh.add_action("view", _("&Tìm công dân"), self._focus_search, "Ctrl+F", "actFind")
        group = QActionGroup(self)
        for code, label in (("vi", "Tiếng &Việt"), ("en", "&English")):
            act = QAction(label, self, checkable=True)
            act.setObjectName(f"actLang_{code}")
            act.setChecked(lang.current() == code)
            act.triggered.connect(lambda _c=False, code=code: self._ask_language(code))
            group.addAction(act)
            sh.menu("language").addAction(act)
        sh.add_action("help", _("&Phím tắt"), self._show_shortcuts, "F1", "actShortcuts")

    def _build_status(self, commune_title: str) -> None:
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busyLabel")
        self.statusBar().addWidget(QLabel(commune_title or _("Chưa thiết lập xã/phường")))
        self.statusBar().addPermanentWidget(self.busy_label)

    # --- behaviour -------------------------------------------------------------------------------
    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(_("Đang xử lý nền…") if busy else "")

    def _on_tab(self, index: int) -> None:
        w = self.tabs.widget(index)
        if isinstance(w, View):
            w.activate()

    def _open_checkin(self, session_id: int) -> None:
        self.checkin.set_session(session_id)
        self.tabs.setCurrentWidget(self.checkin)

    def _focus_search(self) -> None:
        view = self.tabs.currentWidget()
        if isinstance(view, View):
            view.focus_search()

    def _ask_language(self, code: str) -> None:
        if code != lang.current():
            emit(self.language_requested, code)

    def _show_shortcuts(self) -> None:
        rows = [
            ("Ctrl+1 … Ctrl+4", _("Chuyển giữa các màn hình")),
            ("Ctrl+F", _("Tìm công dân")),
            ("Ctrl+I", _("Nhập danh sách từ tệp")),
            ("F5 / F6 / F7 / F8", _("Tiếp nhận: đã đến / thu hồ sơ thẻ căn cước / thu VNeID mức 2 / vắng mặt")),
            ("Ctrl+N", _("Tiếp nhận: thêm người đến trực tiếp")),
            ("Ctrl+M", _("Lịch: chuyển người sang khung giờ khác")),
            ("Alt+…", _("Chữ gạch chân trên nút và nhãn")),
        ]
        text = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in rows)
        QMessageBox.information(self, _("Phím tắt"), f"<table>{text}</table>")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        placement.save_docks(self)
        for view in self.views:
            view.shutdown()
        self.shell.run_close_hooks()
        super().closeEvent(event)


def current_view(window: MainWindow) -> QWidget:
    return window.tabs.currentWidget()


__all__ = ["MainWindow", "Qt"]
