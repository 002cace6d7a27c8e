"""Closing a day: the day and point, and before the officer confirms, the figures each report will carry
(per point, counted as the close counts them: `dayclose.close_preview`) and that they go to the province
(counts only, no personal data). The figures follow the chosen day and point."""

from __future__ import annotations

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
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from sync.protocol import COMMUNE_POINT_CODE, INDICATORS

_ = translator("DayClose")


class DayCloseDialog(DayPointDialog):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, _("Chốt số liệu ngày"), parent)
        self.setObjectName("dayCloseDialog")
        self.app = app
        self.table = QTableWidget(0, 1 + len(INDICATORS), self)
        self.table.setObjectName("dayCloseFigures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalHeaderLabels([_("Điểm")] + [labels.indicator(k) for k in INDICATORS])
        self.table.verticalHeader().hide()
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
        self.resize(720, 360)
        self.refresh()

    def figures(self) -> list[tuple[str, str, dict[str, int]]]:
        from desktop.services.figures import dayclose

        return self.app.read(dayclose.close_preview, self.chosen_day(), self.chosen_point_code())

    def refresh(self) -> None:
        rows = self.figures()
        self.table.setRowCount(len(rows))
        for r, (code, name, totals) in enumerate(rows):
            shown = labels.report_point(code) if code == COMMUNE_POINT_CODE else name
            self.table.setItem(r, 0, QTableWidgetItem(shown))
            for c, key in enumerate(INDICATORS, start=1):
                self.table.setItem(r, c, QTableWidgetItem(str(totals.get(key, 0))))
        self.table.resizeColumnsToContents()
