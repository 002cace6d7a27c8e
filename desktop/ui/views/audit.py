"""The audit trail (who did what, when): a table that pages from `auth.audit_entries`, newest first.

`AuditView(app)`, opened from Tools (actions/audit.py). Rows are read through `app.read`, 200 at a time
(canFetchMore/fetchMore) with a fixed row height, so a long trail opens instantly.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services import auth
from desktop.ui.support.combo import ANY, data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

_ = translator("AuditView")

PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    def __init__(self, app: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.operator_id: int | None = None
        self.rows: list[auth.AuditRow] = []
        self.total = 0
        self.headers = [_("Thời gian"), _("Cán bộ"), _("Thao tác"), _("Đối tượng"), _("Mã"), _("Chi tiết")]

    def reload(self, operator_id: int | None = None) -> None:
        self.beginResetModel()
        self.operator_id = operator_id
        self.total = self.app.read(auth.audit_count, operator_id)
        self.rows = self.app.read(auth.audit_entries, 0, PAGE, operator_id=operator_id)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        more = self.app.read(auth.audit_entries, len(self.rows), PAGE, operator_id=self.operator_id)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        col = index.column()
        if col == 0:
            return r.at.strftime("%d/%m/%Y %H:%M:%S") if r.at else ""
        if col == 1:
            return r.operator_name or "—"
        if col == 2:
            return r.action
        if col == 3:
            return r.entity
        if col == 4:
            return "" if r.entity_id is None else str(r.entity_id)
        return r.detail

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class AuditView(QWidget):
    """Table over the audit trail with an operator filter and a refresh button."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("auditView")
        self.model = AuditModel(app, self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.operator_box = QComboBox(self)
        self.operator_box.setObjectName("auditOperator")
        self.count_label = QLabel(self)
        refresh = QPushButton(_("Làm mới"), self)
        refresh.clicked.connect(self.reload)
        self.operator_box.currentIndexChanged.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Cán bộ:"), self))
        top.addWidget(self.operator_box)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._fill_operators()
        self.reload()

    def _fill_operators(self) -> None:
        self.operator_box.blockSignals(True)
        self.operator_box.clear()
        self.operator_box.addItem(_("Tất cả"), ANY)  # never None item data (docs/ui.md, qtrefs)
        for o in self.app.read(auth.list_operators, active_only=False):
            self.operator_box.addItem(o.name, o.id)
        self.operator_box.blockSignals(False)

    def reload(self) -> None:
        self.model.reload(data_of(self.operator_box))
        self.count_label.setText(_("%n dòng").replace("%n", str(self.model.total)))
