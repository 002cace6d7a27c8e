"""Where other modules plug into the main window without knowing it.

Printing, sync and security live in their own modules (`desktop/ui/print_*.py`, `sync_*.py`,
`login_*.py`, `audit_*.py`). Each may define `install(shell: Shell) -> None` and use the shell to add
menu actions, status-bar widgets or whole views. `load_extensions()` finds them by name, so the main
window never imports them and they never import it.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from desktop.ui.context import AppContext
from desktop.ui.lang import translator

_ = translator("Shell")
log = logging.getLogger(__name__)

EXTENSION_PREFIXES = ("print_", "sync_", "login_", "audit_")


class Shell:
    """The narrow surface extensions get: menus by id, the status bar, views, the current selection."""

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        self._window = window
        self.ctx = ctx
        self._menus: dict[str, QMenu] = {}
        self._menu_titles = {
            "file": _("&Tệp"),
            "view": _("&Xem"),
            "print": _("&In"),
            "sync": _("Đồ&ng bộ"),
            "tools": _("&Công cụ"),
            "language": _("N&gôn ngữ"),
            "help": _("Trợ &giúp"),
        }
        self.add_view_fn: Callable[[str, QWidget], None] | None = None
        self.selected_citizen_ids: Callable[[], list[int]] = lambda: []
        self.current_session_id: Callable[[], int | None] = lambda: None

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
        self, menu_id: str, text: str, slot: Callable[[], None], shortcut: str | QKeySequence | None = None,
        name: str = "",
    ) -> QAction:
        act = QAction(text, self._window)
        if name:
            act.setObjectName(name)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False: slot())
        self.menu(menu_id).addAction(act)
        return act

    def add_status_widget(self, widget: QWidget, permanent: bool = True) -> None:
        bar = self._window.statusBar()
        bar.addPermanentWidget(widget) if permanent else bar.addWidget(widget)

    def show_message(self, text: str, msecs: int = 5000) -> None:
        self._window.statusBar().showMessage(text, msecs)

    def add_view(self, title: str, widget: QWidget) -> None:
        if self.add_view_fn:
            self.add_view_fn(title, widget)


def load_extensions(shell: Shell) -> list[str]:
    """Install every `desktop/ui/{print,sync,login,audit}_*.py` that defines `install(shell)`."""
    import desktop.ui as pkg

    loaded = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith(EXTENSION_PREFIXES):
            continue
        try:
            mod = importlib.import_module(f"desktop.ui.{info.name}")
            install = getattr(mod, "install", None)
            if callable(install):
                install(shell)
                loaded.append(info.name)
        except Exception:  # an optional module must never stop the app from starting
            log.exception("extension %s failed to load", info.name)
    return loaded
