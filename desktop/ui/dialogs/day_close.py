"""Closing a day: the day and point, and before the officer confirms, the figures each report will carry
(per point, counted as the close counts them: `dayclose.close_preview`) and that they go to the province
(counts only, no personal data). The figures follow the chosen day and point.

The table has one row per indicator and one column per point: the indicators' long names read down the
first column and the points' few columns fit the dialog at 1024 px (one column per indicator scrolled
sideways); long names go onto more lines (support/columns.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.ui.dialogs.day_point import DayPointDialog
from desktop.ui.support import labels
from desktop.ui.support.cells import table_item
from desktop.ui.support.columns import ColumnFitter, text_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from sync.protocol import COMMUNE_POINT_CODE, INDICATORS

_ = translator("DayClose")


class DayCloseDialog(DayPointDialog):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, _("Chốt số liệu ngày"), parent)
        self.setObjectName("dayCloseDialog")
        self.app = app
        self.table = QTableWidget(len(INDICATORS), 1, self)
        self.table.setObjectName("dayCloseFigures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.fitter = ColumnFitter(self.table, stretch=None)
        note = QLabel(_("Khi chốt, các số liệu trên (chỉ số đếm, không có thông tin cá nhân) được xếp hàng để "
                        "gửi lên công an tỉnh."))
        note.setObjectName("dayCloseNote")
        note.setWordWrap(True)
        form = self.layout()
        assert isinstance(form, QFormLayout)
        form.insertRow(form.rowCount() - 1, self.table)  # above the buttons
        form.insertRow(form.rowCount() - 1, note)
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Chốt và gửi lên tỉnh"))
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.point.currentIndexChanged.connect(lambda _i: self.refresh())
        self.resize(720, 520)
        self.refresh()

    def figures(self) -> list[tuple[str, str, dict[str, int]]]:
        from desktop.services.figures import dayclose

        return self.app.read(dayclose.close_preview, self.chosen_day(), self.chosen_point_code())

    def refresh(self) -> None:
        rows = self.figures()
        self.table.setColumnCount(1 + len(rows))
        self.table.setHorizontalHeaderLabels([_("Chỉ tiêu")] + [
            labels.report_point(code) if code == COMMUNE_POINT_CODE else name for code, name, _t in rows])
        for r, key in enumerate(INDICATORS):
            self.table.setItem(r, 0, QTableWidgetItem(labels.indicator(key)))
            for c, (_code, _name, totals) in enumerate(rows, start=1):
                cell = QTableWidgetItem(str(totals.get(key, 0)))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, cell)
        self.fitter.fit()

    def shown(self) -> dict[str, list[int]]:
        """Point (as its column reads) → the figures shown for it, in the order of INDICATORS."""
        out = {}
        for c in range(1, self.table.columnCount()):
            point = text_of(self.table.horizontalHeaderItem(c))
            out[point] = [int(table_item(self.table, r, c).text()) for r in range(len(INDICATORS))]
        return out
