"""The main window's size, maximised state and side panels: remembered in the settings table, restored
clipped to the current screen, and arranged so the panels never squeeze the screen in the middle.

Why: an officer who maximised the window, or opened "Máy trong xã", expects it so the next morning and after
switching language (which rebuilds the window). The side panels share the right edge as tabs of one dock
area, each with a usable minimum width, and the central screen keeps a minimum width of its own, so opening
both never leaves a 25 px search box or a list showing one and a half rows.
"""

from __future__ import annotations

import base64
import binascii

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from desktop.settings_keys import KEY_WINDOW_DOCKS, KEY_WINDOW_PLACEMENT
from desktop.ui.support import fit
from desktop.ui.support.context import AppContext

DEFAULT_SIZE = QSize(1366, 768)  # what the window asks for; fitted to the screen's available area
CENTRAL_MIN_WIDTH = 560  # the queue's search box, filters and first columns stay usable beside a panel
DOCK_MIN_WIDTH = 340  # a panel's own headers and buttons ("Đồng bộ lần cuối") stay readable
DOCK_SHARE = 0.36  # a newly opened panel takes about a third of the window


def restore(window: QMainWindow) -> bool:
    """Size the window from the settings (or the default, fitted), arrange the docks and restore which are
    open; keep saving from now on. Returns whether the window should open maximised."""
    app: AppContext = window.app  # type: ignore[attr-defined]
    from desktop import config

    arrange_docks(window)
    maximised = fit.restore_placement(window, app.read(config.get, KEY_WINDOW_PLACEMENT, ""), DEFAULT_SIZE)
    docks = app.read(config.get, KEY_WINDOW_DOCKS, "")
    if docks:
        try:
            window.restoreState(QByteArray(base64.b64decode(docks, validate=True)))
        except (binascii.Error, ValueError):
            pass  # an unreadable saved state: the panels start closed
    fit.PlacementKeeper(window, lambda text: _save(app, KEY_WINDOW_PLACEMENT, text))
    return maximised


def save_docks(window: QMainWindow) -> None:
    """Remember which side panels are open (called as the window closes)."""
    app: AppContext = window.app  # type: ignore[attr-defined]
    _save(app, KEY_WINDOW_DOCKS, base64.b64encode(bytes(window.saveState().data())).decode("ascii"))


def copy_state(old: QMainWindow, new: QMainWindow) -> None:
    """The rebuilt window (another language) takes the old one's place, size and open panels."""
    new.setGeometry(old.geometry())
    new.restoreState(old.saveState())
    if old.windowState() & Qt.WindowState.WindowMaximized:
        new.setWindowState(new.windowState() | Qt.WindowState.WindowMaximized)


def arrange_docks(window: QMainWindow) -> None:
    """Right-hand panels as tabs of one area (each gets the full height) with usable minimum widths."""
    central = window.centralWidget()
    if central is not None:
        central.setMinimumWidth(CENTRAL_MIN_WIDTH)
    right = [d for d in window.findChildren(QDockWidget)
             if window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea]
    for dock in right:
        dock.setMinimumWidth(DOCK_MIN_WIDTH)
        dock.visibilityChanged.connect(lambda visible, d=dock: _widen(window, d) if visible else None)
    for later in right[1:]:
        window.tabifyDockWidget(right[0], later)


def _widen(window: QMainWindow, dock: QDockWidget) -> None:
    if dock.isFloating():
        return
    want = max(DOCK_MIN_WIDTH, int(window.width() * DOCK_SHARE))
    want = min(want, max(DOCK_MIN_WIDTH, window.width() - CENTRAL_MIN_WIDTH))
    if dock.width() < want:
        window.resizeDocks([dock], [want], Qt.Orientation.Horizontal)


def _save(app: AppContext, key: str, value: str) -> None:
    from desktop.ui.operations import settings as settings_ops

    app.runner.op(settings_ops.save_window_setting(key, value), None, f"save {key}").quiet().run()
