"""First run: which commune is this laptop for, and where are its enrollment points — or a demo commune.

The commune picker filters all 3,321 communes (sync.communes) by folded text, so "khanh hoa truong sa"
or "22736" both find Trường Sa. Setting up runs as an operation on the worker (the demo takes seconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.register import points
from desktop.ui.operations import register as register_ops
from desktop.ui.operations import settings as settings_ops
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from sync.communes import CommuneRecord

_ = translator("FirstRun")


class CommuneListModel(QAbstractListModel):
    """All communes, filtered by folded words (every word must appear in name, province or code)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from common.vietnamese import fold
        from sync.communes import all_communes

        self._fold = fold
        self._all = list(all_communes())
        self._keys = [fold(f"{c.name} {c.province_name} {c.code}") for c in self._all]
        self._shown = list(range(len(self._all)))

    def set_filter(self, text: str) -> None:
        words = self._fold(text).split()
        self.beginResetModel()
        self._shown = [i for i, k in enumerate(self._keys) if all(w in k for w in words)]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        c = self._all[self._shown[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{c.name} — {c.province_name} ({c.code})"
        if role == Qt.ItemDataRole.UserRole:
            return c
        return None


class FirstRunDialog(QDialog):
    def __init__(self, app: AppContext, parent: QWidget | None = None, demo_citizens: int = 2000) -> None:
        super().__init__(parent)
        self.app = app
        self.demo_citizens = demo_citizens
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Thiết lập lần đầu — EnrollPoint"))
        self.resize(900, 640)
        lay = QVBoxLayout(self)
        intro = QLabel(_("Chọn xã/phường/đặc khu mà máy này phục vụ và khai báo các điểm thu nhận. "
                         "Có thể dùng xã mẫu để làm quen trước."))
        intro.setWordWrap(True)
        lay.addWidget(intro)

        box = QGroupBox(_("Xã/phường"))
        bl = QVBoxLayout(box)
        self.filter = QLineEdit()
        self.filter.setObjectName("communeFilter")
        self.filter.setPlaceholderText(_("Gõ tên xã, tỉnh hoặc mã (không cần dấu)…"))
        flabel = QLabel(_("&Tìm xã/phường:"))
        flabel.setBuddy(self.filter)
        row = QHBoxLayout()
        row.addWidget(flabel)
        row.addWidget(self.filter, 1)
        bl.addLayout(row)
        self.communes = CommuneListModel(self)
        self.list = QListView()
        self.list.setObjectName("communeList")
        self.list.setModel(self.communes)
        self.list.setUniformItemSizes(True)
        bl.addWidget(self.list, 1)
        lay.addWidget(box, 3)

        pbox = QGroupBox(_("Điểm thu nhận (điểm đầu tiên là trụ sở)"))
        pl = QVBoxLayout(pbox)
        self.points = QTableWidget(0, 3)
        self.points.setObjectName("pointsTable")
        self.points.setHorizontalHeaderLabels([_("Mã"), _("Tên điểm"), _("Địa chỉ")])
        self.points.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.points.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.points.verticalHeader().hide()
        self.points.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_point(points.HEADQUARTERS_CODE, _("Trụ sở Công an xã"), "")
        pl.addWidget(self.points)
        prow = QHBoxLayout()
        add = QPushButton(_("Thêm đ&iểm"))
        add.clicked.connect(lambda: self.add_point(f"DIEM{self.points.rowCount()}", _("Điểm lưu động"), ""))
        rem = QPushButton(_("&Xoá điểm"))
        rem.clicked.connect(self._remove_point)
        prow.addWidget(add)
        prow.addWidget(rem)
        prow.addStretch(1)
        pl.addLayout(prow)
        lay.addWidget(pbox, 2)

        self.buttons = QDialogButtonBox()
        self.demo_button = QPushButton(_("Dùng xã &mẫu (dữ liệu thử)"))
        self.demo_button.setObjectName("demoButton")
        self.ok_button = QPushButton(_("&Bắt đầu với xã đã chọn"))
        self.ok_button.setObjectName("okButton")
        self.ok_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("T&hoát"))
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self.set_up_chosen)
        self.demo_button.clicked.connect(self.set_up_demo)
        lay.addWidget(self.buttons)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(lambda: self.communes.set_filter(self.filter.text()))
        self.filter.textChanged.connect(lambda _t: self._debounce.start())
        self.filter.installEventFilter(self)  # Enter picks the first match (then Enter again starts)
        for b in (add, rem, self.demo_button):
            b.setAutoDefault(False)
        self.filter.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if (obj is self.filter and event.type() == QEvent.Type.KeyPress
                and cast(QKeyEvent, event).key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._pick_first()
            return True
        return super().eventFilter(obj, event)

    def add_point(self, code: str, name: str, address: str) -> None:
        r = self.points.rowCount()
        self.points.insertRow(r)
        for c, text in enumerate((code, name, address)):
            self.points.setItem(r, c, QTableWidgetItem(text))

    def _remove_point(self) -> None:
        r = self.points.currentRow()
        if r > 0:  # the office stays
            self.points.removeRow(r)

    def _pick_first(self) -> None:
        self._debounce.stop()
        self.communes.set_filter(self.filter.text())
        if self.communes.rowCount():
            self.list.setCurrentIndex(self.communes.index(0))
            self.list.setFocus()

    def chosen(self) -> CommuneRecord | None:
        idx = self.list.currentIndex()
        return idx.data(Qt.ItemDataRole.UserRole) if idx.isValid() else None

    def point_rows(self) -> list[tuple[str, str, str]]:
        out = []
        for r in range(self.points.rowCount()):
            vals = [(item.text().strip() if (item := self.points.item(r, c)) else "") for c in range(3)]
            if vals[0] and vals[1]:
                out.append((vals[0], vals[1], vals[2]))
        return out

    def set_up_chosen(self) -> None:
        from desktop.config import Commune

        c = self.chosen()
        if c is None:
            QMessageBox.warning(self, _("Chưa chọn xã"), _("Hãy chọn xã/phường trong danh sách."))
            self.filter.setFocus()
            return
        points = self.point_rows()
        if not points:
            QMessageBox.warning(self, _("Chưa có điểm"), _("Cần ít nhất một điểm thu nhận (mã và tên)."))
            return
        commune = Commune(code=c.code, name=c.name, province_code=c.province_code, province_name=c.province_name)
        self._busy(True)
        (self.app.runner.op(settings_ops.set_up_commune(commune, points, self.app.operator), self)
         .success(lambda _v: self.accept())
         .failure(self._failed)
         .run())

    def set_up_demo(self) -> None:
        self._busy(True)
        (self.app.runner.op(register_ops.create_demo(self.demo_citizens), self)
         .with_progress(_("Đang tạo xã mẫu…"))
         .success(lambda _v: self.accept())
         .failure(self._failed)
         .run())

    def _failed(self, exc: BaseException, tb: str) -> None:
        from desktop.ui.dialogs.error import show_error

        self._busy(False)
        show_error(self, exc, tb)

    def _busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)
