"""Every top-level window and dialog opens inside the screen's available area, window-manager frame included.

Why: the commune laptops are 1366×768 or 1024×768 with a taskbar; a dialog that asks for 960 px of height, or
a main window sized 1366×768 before its title bar and frame are added, puts its buttons and status bar below
the screen edge. `install()` puts one application-wide event filter in place: when a normal window or dialog
is shown it is given the smaller of its own size and the available area less the frame, and moved so its
frame lies inside that area; a few moments later (the window manager reports the real frame only after
mapping) the frame is checked again and the window pulled back in if needed. The pure `fit_rect()` does the
arithmetic. `placement()` / `restore_placement()` turn the main window's size, position and maximised state
into a small JSON text for the settings table and back, clipped to the current screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

# A usual title bar and border until the window manager has told us the real one (X11: _NET_FRAME_EXTENTS).
DEFAULT_FRAME = QMargins(4, 30, 4, 4)
RECHECK_MS = (50, 250, 800)  # after showing: the frame arrives once the window manager has reparented it
_state: dict[str, Any] = {"frame": None, "filter": None}


def available(widget: QWidget | None = None) -> QRect:
    """The screen's area less taskbars and panels (the window manager's work area)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def frame_margins(widget: QWidget | None = None) -> QMargins:
    """The window manager's frame around `widget` (its own once known, else the last one seen, else a guess)."""
    if widget is not None and widget.isVisible():
        own = _margins_of(widget)
        if own is not None:
            return own
    known = _state["frame"]
    return QMargins(known) if known is not None else QMargins(DEFAULT_FRAME)


def _margins_of(widget: QWidget) -> QMargins | None:
    frame, inner = widget.frameGeometry(), widget.geometry()
    if frame == inner:
        return None
    m = QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                 frame.right() - inner.right(), frame.bottom() - inner.bottom())
    if min(m.left(), m.top(), m.right(), m.bottom()) < 0 or max(m.left(), m.top(), m.right(), m.bottom()) > 200:
        return None
    _state["frame"] = QMargins(m)
    return m


def fit_rect(size: QSize, top_left: QPoint | None, area: QRect, frame: QMargins,
             centre_on: QRect | None = None) -> QRect:
    """The client rectangle for a window wanting `size` at `top_left` (client coordinates; None: centred on
    `centre_on` or the area) whose frame must lie inside `area`."""
    max_w = max(1, area.width() - frame.left() - frame.right())
    max_h = max(1, area.height() - frame.top() - frame.bottom())
    w, h = min(size.width(), max_w), min(size.height(), max_h)
    if top_left is None:
        centre = (centre_on or area).center()
        top_left = QPoint(centre.x() - w // 2, centre.y() - h // 2)
    x = min(max(top_left.x(), area.left() + frame.left()), area.left() + frame.left() + max_w - w)
    y = min(max(top_left.y(), area.top() + frame.top()), area.top() + frame.top() + max_h - h)
    return QRect(x, y, w, h)


def fits(widget: QWidget) -> bool:
    """Whether the window's frame lies inside the available area."""
    return available(widget).contains(widget.frameGeometry())


def fit(widget: QWidget, centre: bool = False) -> None:
    """Shrink `widget` (a top-level window) to the available area and move its frame inside it."""
    if widget.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    area, frame = available(widget), frame_margins(widget)
    parent = widget.parentWidget()
    anchor = parent.window().frameGeometry() if parent is not None and parent.isVisible() else None
    top_left = None if centre else widget.pos() + QPoint(frame.left(), frame.top())
    rect = fit_rect(widget.size(), top_left, area, frame, anchor)
    minimum = widget.minimumSize()
    if minimum.width() > rect.width() or minimum.height() > rect.height():
        widget.setMinimumSize(min(minimum.width(), rect.width()), min(minimum.height(), rect.height()))
    if rect.size() != widget.size():
        widget.resize(rect.size())
    frame_pos = QPoint(rect.left() - frame.left(), rect.top() - frame.top())
    if frame_pos != widget.pos():
        widget.move(frame_pos)  # move() places the frame's corner


def refit(widget: QWidget) -> None:
    """After a dialog's content changed (an error shown or cleared): its preferred height at its present
    width — grown so wrapped words are not cut, or shrunk so no empty gap stays — then fitted to the screen."""
    layout = widget.layout()
    if layout is None:
        return
    layout.activate()
    width = max(widget.width(), layout.minimumSize().width())
    height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
    height = max(height, layout.totalMinimumSize().height())
    widget.setMinimumHeight(min(height, available(widget).height()))
    widget.resize(width, height)
    if widget.isVisible():
        fit(widget)


def _is_fitted_window(obj: QObject) -> bool:
    if not isinstance(obj, QWidget) or not obj.isWindow():
        return False
    return obj.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)


class _Fitter(QObject):
    """The application-wide filter: fits each window as it is shown, then once more after mapping."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Show and _is_fitted_window(obj):
            widget = obj
            assert isinstance(widget, QWidget)
            if not widget.property("_fitShown"):
                widget.setProperty("_fitShown", True)
                fit(widget, centre=widget.parentWidget() is not None or not widget.testAttribute(
                    Qt.WidgetAttribute.WA_Moved))
            else:
                fit(widget)
            for ms in RECHECK_MS:
                QTimer.singleShot(ms, widget, lambda w=widget: _recheck(w))
        return False


def _recheck(widget: QWidget) -> None:
    if widget.isVisible() and not fits(widget):
        fit(widget)


def install(app: QApplication | None = None) -> None:
    """Fit every window and dialog of this application from now on (idempotent)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None or _state["filter"] is not None:
        return
    fitter = _Fitter(app)
    app.installEventFilter(fitter)
    _state["filter"] = fitter


# --- the main window's size and maximised state, kept in the settings table -------------------------------

def placement(window: QWidget) -> str:
    """The window's normal (not maximised) client rectangle and maximised state, as JSON text."""
    maximised = bool(window.windowState() & Qt.WindowState.WindowMaximized)
    r = window.normalGeometry() if maximised and window.normalGeometry().isValid() else window.geometry()
    return json.dumps({"x": r.x(), "y": r.y(), "w": r.width(), "h": r.height(), "max": maximised})


def parse_placement(text: str) -> tuple[QRect, bool] | None:
    """The rectangle and maximised flag of `placement()`'s text; None for anything else."""
    try:
        d = json.loads(text) if text else {}
        if not isinstance(d, dict):
            return None
        rect = QRect(int(d["x"]), int(d["y"]), int(d["w"]), int(d["h"]))
        maximised = bool(d.get("max", False))
    except (ValueError, TypeError, KeyError):
        return None
    return (rect, maximised) if rect.width() > 0 and rect.height() > 0 else None


def restore_placement(window: QWidget, text: str, default: QSize) -> bool:
    """Size and place `window` from saved text, clipped to the current screen's available area; the
    `default` size (fitted too) when nothing usable is saved. Returns whether it should open maximised."""
    area, frame = available(window), frame_margins(window)
    saved = parse_placement(text)
    if saved is None:
        window.resize(fit_rect(default, None, area, frame).size())
        return False
    rect, maximised = saved
    fitted = fit_rect(rect.size(), rect.topLeft(), area, frame)
    window.resize(fitted.size())
    window.move(fitted.left() - frame.left(), fitted.top() - frame.top())
    return maximised


class PlacementKeeper(QObject):
    """Calls `save(placement text)` a second after the window was last moved, resized, maximised or restored,
    and when it closes; so a crash or a power cut loses at most the last second of arranging."""

    def __init__(self, window: QWidget, save: Callable[[str], object], delay_ms: int = 1000) -> None:
        super().__init__(window)
        self._window = window
        self._save = save
        self._last = ""
        self._shown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        kind = event.type()
        if kind == QEvent.Type.Show:
            self._shown = True
        elif kind in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.WindowStateChange):
            if self._window.isVisible():
                self._timer.start()
        elif kind == QEvent.Type.Close:
            self.flush()
        return False

    def flush(self) -> None:
        self._timer.stop()
        if not self._shown:
            return
        text = placement(self._window)
        if text != self._last:
            self._last = text
            self._save(text)
