"""`DayPointDialog`: a day, a point and optionally a village, for printing, the Excel export and a day close.

Services are imported inside, so installing the menus costs nothing at start-up.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QWidget

from desktop.ui.support.combo import ANY, data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

_ = translator("Extensions")
CODE_ROLE = Qt.ItemDataRole.UserRole.value + 1


class DayPointDialog(QDialog):
    """A day (default today), a point ("all" allowed) and, when asked for, a village."""

    def __init__(self, app: AppContext, title: str, parent: QWidget | None = None, *, village: bool = False,
                 all_points: bool = True) -> None:
        super().__init__(parent)
        from desktop.services.register import points as pts

        self.setWindowTitle(title)
        self.setObjectName("dayPointDialog")
        form = QFormLayout(self)
        self.day = QDateEdit(QDate.currentDate(), self)
        self.day.setObjectName("day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        form.addRow(_("&Ngày:"), self.day)
        self.point = QComboBox(self)
        self.point.setObjectName("point")
        if all_points:
            self.point.addItem(_("Tất cả các điểm"), ANY)
        for p in app.read(pts.list_points, active_only=True):
            self.point.addItem(p.name, p.id)
            self.point.setItemData(self.point.count() - 1, p.code, CODE_ROLE)
        form.addRow(_("Đ&iểm thu nhận:"), self.point)
        self.village: QComboBox | None = None
        if village:
            from desktop.services.due import search

            self.village = QComboBox(self)
            self.village.setObjectName("village")
            self.village.addItem(_("Tất cả"), ANY)
            for key, name, _n in app.read(search.villages):
                self.village.addItem(name, key)
            form.addRow(_("&Thôn/Tổ:"), self.village)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_day(self) -> dt.date:
        return cast(dt.date, self.day.date().toPython())

    def chosen_point_id(self) -> int | None:
        return data_of(self.point)

    def chosen_point_code(self) -> str | None:
        if data_of(self.point) is None:
            return None
        code = self.point.itemData(self.point.currentIndex(), CODE_ROLE)
        return str(code) if code else None

    def chosen_village(self) -> str | None:
        return data_of(self.village) if self.village is not None else None
