"""The main window: four views in tabs, menus built through the Shell (its own, then `menus.py`'s list),
a status bar.

The window owns no data: views get the AppContext, refresh from the `Changes` each operation announces,
and load lazily the first time they are shown (cold start paints the queue only). Only the queue is built
with the window: the schedule, check-in and progress tabs hold an empty page until first shown (or first
asked for as `window.schedule`, …), which then builds the view in its place (the login → window path).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

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

if TYPE_CHECKING:
    from desktop.ui.views.checkin import CheckinView
    from desktop.ui.views.progress import ProgressView
    from desktop.ui.views.schedule import ScheduleView

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
        self.views: list[View] = []  # the views built so far, in tab order of building
        self._lazy: dict[str, tuple[QWidget, str, Callable[[], View]]] = {}  # name → (empty page, title, maker)
        self._build_views()
        self._build_menus()
        self._build_status(commune_title)
        self.shell.add_view_fn = lambda title, w: self.tabs.addTab(w, title)
        self.shell.selected_citizen_ids = self.queue.selected_ids
        self.shell.current_session_id = self._current_session_id
        self.menu_modules = install_menus(self.shell)
        self.open_maximised = placement.restore(self)
        app.runner.busy_changed.connect(self._on_busy)
        self.tabs.currentChanged.connect(self._on_tab)
        self._on_tab(0)

    def _build_views(self) -> None:
        from desktop.ui.views.queue import QueueView

        self.queue = QueueView(self.app, self)
        self.tabs.addTab(self.queue, _("&1 Danh sách công dân"))
        self.views.append(self.queue)
        for name, title, maker in (
            ("schedule", _("&2 Lịch thu nhận"), self._make_schedule),
            ("checkin", _("&3 Tiếp nhận"), self._make_checkin),
            ("progress", _("&4 Tiến độ"), self._make_progress),
        ):
            page = QWidget(self.tabs)
            page.setObjectName(f"{name}Page")
            self.tabs.addTab(page, title)
            self._lazy[name] = (page, title, maker)

    def _make_schedule(self) -> View:
        from desktop.ui.views.schedule import ScheduleView

        view = ScheduleView(self.app, self)
        view.open_checkin.connect(self._open_checkin)
        return view

    def _make_checkin(self) -> View:
        from desktop.ui.views.checkin import CheckinView

        return CheckinView(self.app, self)

    def _make_progress(self) -> View:
        from desktop.ui.views.progress import ProgressView

        return ProgressView(self.app, self)

    def _view(self, name: str) -> View:
        """The tab's view, built in place of its empty page the first time it is shown or asked for."""
        found = self.__dict__.get(f"_{name}_view")
        if found is not None:
            return found
        page, title, maker = self._lazy.pop(name)
        view = maker()
        index, current = self.tabs.indexOf(page), self.tabs.currentIndex()
        self.tabs.blockSignals(True)  # the same tab stays current: no tab change to announce
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, view, title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        page.deleteLater()
        setattr(self, f"_{name}_view", view)
        self.views.append(view)
        return view

    def _current_session_id(self) -> int | None:
        """The session chosen in the schedule, else in check-in; a tab never shown has none chosen."""
        for name in ("schedule", "checkin"):
            view = self.__dict__.get(f"_{name}_view")
            sid = view.session_id() if view is not None else None
            if sid:
                return cast(int, sid)
        return None

    @property
    def schedule(self) -> ScheduleView:
        return cast("ScheduleView", self._view("schedule"))

    @property
    def checkin(self) -> CheckinView:
        return cast("CheckinView", self._view("checkin"))

    @property
    def progress(self) -> ProgressView:
        return cast("ProgressView", self._view("progress"))

    def _build_menus(self) -> None:
        sh = self.shell
        sh.add_action("file", _("&Nhập danh sách từ tệp…"), lambda: emit(self.import_requested), "Ctrl+I", "actImport")
        sh.menu("file").addSeparator()
        tail = sh.menu("file").addSeparator()
        sh.add_action("file", _("&Thoát"), self.close, QKeySequence.StandardKey.Quit, "actQuit")
        sh.set_menu_tail("file", tail)  # printing and export actions go between import and quit
        for i in range(self.tabs.count()):
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
        for name, (page, _title, _maker) in list(self._lazy.items()):
            if page is w:
                w = self._view(name)
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
