"""The narrow surface the menu installers (`desktop/ui/actions/`, listed in `menus.py`) get of the window.

Through it they add menu actions, status-bar widgets, docks or whole views, and `on_close()` hooks that
run before the database closes; they read `shell.app` (the AppContext) and the current selection. So the
main window never imports them and they never import it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.ui.support.autosend import AutoSender
    from desktop.ui.views.peers import PeersPanel
    from desktop.ui.views.sync_panel import SyncPanel

_ = translator("Shell")
log = logging.getLogger(__name__)


class Shell:
    """Menus by id, the status bar, docks, views, close hooks, the current selection."""

    def __init__(self, window: QMainWindow, app: AppContext) -> None:
        self._window = window
        self.app = app
        self._menus: dict[str, QMenu] = {}
        self._menu_titles = {
            "file": _("&Tệp"),
            "view": _("&Xem"),
            "print": _("&In"),
            "sync": _("Đồ&ng bộ"),
            "tools": _("&Công cụ"),
            "language": _("N&gôn ngữ"),
            "help": _("T&rợ giúp"),
        }
        self._tails: dict[str, QAction] = {}
        self._close_hooks: list[Callable[[], object]] = []
        self.add_view_fn: Callable[[str, QWidget], object] | None = None
        self.selected_citizen_ids: Callable[[], list[int]] = lambda: []
        self.current_session_id: Callable[[], int | None] = lambda: None
        self.sync_panel: SyncPanel | None = None  # set by actions/sync.py
        self.sync_dock: QDockWidget | None = None
        self.auto_sender: AutoSender | None = None  # set by actions/sync.py
        self.peers_panel: PeersPanel | None = None  # set by actions/peers.py

    @property
    def parent_widget(self) -> QWidget:
        return self._window

    def menu(self, menu_id: str) -> QMenu:
        """The menu with this id, created (in the fixed order of the menu bar) on first use."""
        if menu_id not in self._menus:
            title = self._menu_titles.get(menu_id, menu_id)
            order = list(self._menu_titles)
            bar = self._window.menuBar()
            menu = QMenu(title, bar)
            menu.setObjectName(f"menu_{menu_id}")
            before = None
            if menu_id in order:
                for later in order[order.index(menu_id) + 1:]:
                    if later in self._menus:
                        before = self._menus[later].menuAction()
                        break
            if before is not None:
                bar.insertMenu(before, menu)
            else:
                bar.addMenu(menu)
            self._menus[menu_id] = menu
        return self._menus[menu_id]

    def add_action(
        self, menu_id: str, text: str, slot: Callable[[], object],
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
        name: str = "",
    ) -> QAction:
        act = QAction(text, self._window)
        if name:
            act.setObjectName(name)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False: slot())
        menu = self.menu(menu_id)
        tail = self._tails.get(menu_id)
        if tail is not None:
            menu.insertAction(tail, act)  # e.g. File: the installers' actions go above "Thoát"
        else:
            menu.addAction(act)
        return act

    def set_menu_tail(self, menu_id: str, action: QAction) -> None:
        """Later actions of this menu are inserted before `action` (the window's own closing items)."""
        self._tails[menu_id] = action

    def add_dock(self, title: str, widget: QWidget, name: str = "",
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """A dock the user can close; its show/hide toggle is added to the View menu."""
        dock = QDockWidget(title, self._window)
        dock.setObjectName(name or f"dock_{widget.objectName() or 'ext'}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self._window.addDockWidget(area, dock)
        self.menu("view").addAction(dock.toggleViewAction())
        return dock

    def on_close(self, hook: Callable[[], object]) -> None:
        """Run `hook` when the window closes, before the database does (e.g. wait for a send)."""
        self._close_hooks.append(hook)

    def run_close_hooks(self) -> None:
        for hook in self._close_hooks:
            try:
                hook()
            except Exception:  # one failing hook must not keep the others from closing cleanly
                log.exception("close hook failed")

    def add_status_widget(self, widget: QWidget, permanent: bool = True) -> None:
        bar = self._window.statusBar()
        bar.addPermanentWidget(widget) if permanent else bar.addWidget(widget)

    def show_message(self, text: str, msecs: int = 5000) -> None:
        self._window.statusBar().showMessage(text, msecs)

    def add_view(self, title: str, widget: QWidget) -> None:
        if self.add_view_fn:
            self.add_view_fn(title, widget)
