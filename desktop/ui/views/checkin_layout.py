"""How the check-in screen adapts to its width: the hits table's columns, and the citizen card beside the
hits or under them.

Why: beside a side panel, or at 1024 px, the check-in screen is about 600 px wide; with the citizen card at
its side the hits table had ~250 px and scrolled sideways. Below `STACK_BELOW` px the card and the day's
counters move under the hits (full width: the F-key buttons keep their words), and the table's columns fit its width
(support/columns.py): long statuses and names go onto two lines, then the ID number, village and birth date
columns give way — the card under the table shows them for the chosen row.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QBoxLayout, QTableWidget, QWidget

from desktop.ui.support.columns import ColumnFitter
from desktop.ui.support.lang import translator

_ = translator("CheckinView")

STACK_BELOW = 820  # px of the screen's width: narrower, the card goes under the hits
NAME, BORN, ID_NUMBER, VILLAGE, SLOT, STATUS = range(6)


def hits_table() -> tuple[QTableWidget, ColumnFitter]:
    """The hits table: name, slot and status first (they stay in view); ID number, village and birth date
    give way on a narrow screen, in that order."""
    hits = QTableWidget(0, 6)
    hits.setObjectName("hitsTable")
    hits.setHorizontalHeaderLabels([_("Họ và tên"), _("Ngày sinh"), _("Số định danh"), _("Thôn/Tổ"),
                                    _("Giờ hẹn"), _("Trạng thái")])
    hits.verticalHeader().hide()
    hits.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    hits.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    hits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    hh = hits.horizontalHeader()
    hh.moveSection(SLOT, 1)  # shown after the name
    hh.moveSection(STATUS, 2)
    fitter = ColumnFitter(hits, wrap=(NAME, VILLAGE, STATUS), optional=(ID_NUMBER, VILLAGE, BORN), stretch=NAME)
    return hits, fitter


class StackWhenNarrow(QObject):
    """Turns `body` (hits | card and counters) top-to-bottom when `view` is narrower than STACK_BELOW, and
    back when it widens."""

    def __init__(self, view: QWidget, body: QBoxLayout) -> None:
        super().__init__(view)
        self.view, self.body = view, body
        view.installEventFilter(self)

    def apply(self) -> None:
        narrow = self.view.width() < STACK_BELOW
        body_dir = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.body.direction() != body_dir:
            self.body.setDirection(body_dir)

    @property
    def stacked(self) -> bool:
        return self.body.direction() == QBoxLayout.Direction.TopToBottom

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.apply()
        return False
