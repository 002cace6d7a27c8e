"""Ctrl+End in a paged table reaches the real last row, not the last row loaded so far.

A paged model (`views/queue_model.py`) grows as the view scrolls, so Qt's own Ctrl+End stopped at the
rows reached (nine presses to reach row 1,850 of 2,000). `reach_end_on_ctrl_end(view)` loads the remaining
pages first (bounded in time: a 200,000-row register loads by key, a page costs what the first one does)
and then lets the view move to the last row as usual.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

MAX_SECONDS = 5.0


class _EndLoader(QObject):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_End
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            load_all(self.view)
        return False  # the view then moves to its (now real) last row


def load_all(view: QAbstractItemView, max_seconds: float = MAX_SECONDS) -> int:
    """Fetch every remaining page of the view's model (within `max_seconds`); returns the row count."""
    model = view.model()
    deadline = time.monotonic() + max_seconds
    while model.canFetchMore(view.rootIndex()) and time.monotonic() < deadline:
        before = model.rowCount(view.rootIndex())
        model.fetchMore(view.rootIndex())
        if model.rowCount(view.rootIndex()) == before:
            break
    return model.rowCount(view.rootIndex())


def reach_end_on_ctrl_end(view: QAbstractItemView) -> None:
    view.installEventFilter(_EndLoader(view))
