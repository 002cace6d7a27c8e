"""The register view: search-as-you-type over every citizen, filters, and a detail panel with actions.

The table pages through `search.query_citizens` (see queue_model); typing restarts a short debounce so
a burst of keystrokes makes one query. The side panel shows the selected citizen's status history and
the next allowed events (statuses.allowed_events) as buttons that run as operations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import labels, lang, ops
from desktop.ui.combo import ANY, data_of
from desktop.ui.context import AppContext
from desktop.ui.lang import translator
from desktop.ui.operations import Changes
from desktop.ui.queue_model import CitizenTableModel
from desktop.ui.view_base import View

_ = translator("QueueView")

DEBOUNCE_MS = 25  # coalesces a scanner's or a fast typist's burst; p95 goal is 100 ms per keystroke


class CitizenPanel(QWidget):
    """Details, status history and next actions of one citizen."""

    action = Signal(int, str)  # citizen id, event

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("citizenPanel")
        self.setMinimumWidth(340)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel(_("Chọn một công dân trong danh sách"))
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.title.setFont(f)
        lay.addWidget(self.title)
        self.form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("id_number", _("Số định danh")), ("birth", _("Ngày sinh")), ("sex", _("Giới tính")),
            ("village", _("Thôn/Tổ")), ("phone", _("Điện thoại")), ("status", _("Trạng thái")),
            ("card", _("Thẻ CCCD")), ("vneid", _("VNeID")), ("flags", _("Ghi chú")),
        ):
            value = QLabel("")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            self.form.addRow(label + ":", value)
        lay.addLayout(self.form)
        self.actions_box = QGroupBox(_("Bước tiếp theo"))
        self.actions_grid = QGridLayout(self.actions_box)
        lay.addWidget(self.actions_box)
        hist_box = QGroupBox(_("Lịch sử trạng thái"))
        hl = QVBoxLayout(hist_box)
        self.history = QTableWidget(0, 3)
        self.history.setObjectName("historyTable")
        self.history.setHorizontalHeaderLabels([_("Thời gian"), _("Sự kiện"), _("Điểm")])
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hl.addWidget(self.history)
        lay.addWidget(hist_box, 1)
        self.citizen_id: int | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.clear()

    def clear(self) -> None:
        self.citizen_id = None
        self.title.setText(_("Chọn một công dân trong danh sách"))
        for v in self.fields.values():
            v.setText("")
        self.history.setRowCount(0)
        self._set_actions([])
        self.actions_box.setEnabled(False)

    def show_citizen(self, row: Any, events: list[Any], point_names: dict[int, str], allowed: list[str]) -> None:
        self.citizen_id = row.id
        self.actions_box.setEnabled(True)
        self.title.setText(row.full_name)
        birth = row.birth_date.strftime("%d/%m/%Y") if isinstance(row.birth_date, dt.date) else str(row.birth_year or "")
        flags = []
        if row.needs_home_visit:
            flags.append(_("Cần thu nhận tại nhà"))
        if row.possible_duplicate_of:
            flags.append(_("Có thể trùng hồ sơ #{0}").format(row.possible_duplicate_of))
        values = {
            "id_number": row.id_number or _("(chưa có)"),
            "birth": birth,
            "sex": {"M": _("Nam"), "F": _("Nữ")}.get(row.sex or "", ""),
            "village": row.village or "",
            "phone": row.phone or "",
            "status": lang.status_label(row.status),
            "card": _("Đã có") if row.has_card else _("Chưa có"),
            "vneid": [_("Chưa đăng ký"), _("Đã thu hồ sơ mức 2"), _("Đã duyệt"), _("Đã kích hoạt")][
                max(0, min(3, int(row.vneid_stage or 0)))],
            "flags": "; ".join(flags),
        }
        for k, v in values.items():
            self.fields[k].setText(v)
        self.history.setRowCount(len(events))
        for i, ev in enumerate(events):
            when = ev.occurred_at.strftime("%d/%m/%Y %H:%M") if ev.occurred_at else ""
            for j, text in enumerate((when, labels.event_action(ev.event_type),
                                      point_names.get(ev.point_id or -1, ""))):
                self.history.setItem(i, j, QTableWidgetItem(text))
        self._set_actions([e for e in allowed if e not in labels.MANUAL_HIDDEN])

    def _set_actions(self, events: list[str]) -> None:
        while self.actions_grid.count():
            w = self.actions_grid.takeAt(0).widget()
            if w:
                w.deleteLater()
        self.buttons = {}
        for i, ev in enumerate(events):
            b = QPushButton(labels.event_action(ev))
            b.setObjectName(f"act_{ev}")
            b.clicked.connect(lambda _c=False, ev=ev: self.citizen_id is not None and self.action.emit(self.citizen_id, ev))
            self.actions_grid.addWidget(b, i // 2, i % 2)
            self.buttons[ev] = b
        if not events:
            none = QLabel(_("Không có bước nào"))
            self.actions_grid.addWidget(none, 0, 0)


class QueueView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("queueView")
        from desktop.services import search

        self._search = search
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(_("Tên, số định danh, số điện thoại, thôn… (không cần dấu)"))
        self.search.setClearButtonEnabled(True)
        lbl = QLabel(_("&Tìm:"))
        lbl.setBuddy(self.search)
        bar.addWidget(lbl)
        bar.addWidget(self.search, 3)
        self.village = self._combo(bar, _("T&hôn:"), "villageFilter")
        self.status = self._combo(bar, _("Trạng t&hái:"), "statusFilter")
        self.due = self._combo(bar, _("&Cần làm:"), "dueFilter")
        self.order = self._combo(bar, _("&Xếp theo:"), "orderFilter")
        lay.addLayout(bar)
        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        lay.addWidget(self.count_label)

        self.model = CitizenTableModel(self._fetch, self)
        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never resizeRowsToContents on 200k rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((220, 120, 95, 55, 150, 105, 190, 110)):
            self.table.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        self.panel = CitizenPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([960, 380])
        lay.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._focus_table)
        for combo in (self.village, self.status, self.due, self.order):
            combo.currentIndexChanged.connect(lambda _i: self.run_query())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_row(cur.row()))
        self.panel.action.connect(self._record)
        self.model.modelReset.connect(self._after_reset)
        self._point_names: dict[int, str] = {}

    def _combo(self, bar: QHBoxLayout, label: str, name: str) -> QComboBox:
        c = QComboBox()
        c.setObjectName(name)
        c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        lab = QLabel(label)
        lab.setBuddy(c)
        bar.addWidget(lab)
        bar.addWidget(c)
        return c

    # --- data ------------------------------------------------------------------------------------
    def _fetch(self, q: Any, offset: int, limit: int) -> list[Any]:
        return self.ctx.read(self._search.query_citizens, q, offset, limit)

    def cares_about(self, changes: Changes) -> bool:
        return changes.citizens or changes.statuses or changes.schedule or changes.commune

    def reload(self) -> None:
        self._fill_filters()
        self.run_query()

    def _fill_filters(self) -> None:
        from desktop.services import points as pts
        from desktop.services.due import DueKind
        from desktop.services.statuses import Status
        from desktop.vietnamese import NameOrder

        combos = (self.village, self.status, self.due, self.order)
        for c in combos:
            c.blockSignals(True)
        keep = data_of(self.village)
        self.village.clear()
        self.village.addItem(_("Tất cả"), ANY)
        for key, name, count in self.ctx.read(self._search.villages):
            self.village.addItem(f"{name} ({count:,})".replace(",", "."), key)
        if keep is not None and (i := self.village.findData(keep)) >= 0:  # noqa: SIM102
            self.village.setCurrentIndex(i)
        if self.status.count() == 0:
            self.status.addItem(_("Tất cả"), ANY)
            for st in Status:
                self.status.addItem(lang.status_label(st.value), st.value)
            self.due.addItem(_("Tất cả"), ANY)
            for kind in DueKind:
                self.due.addItem(labels.due_kind(kind.value), kind.value)
            self.order.addItem(_("Tên (Việt)"), NameOrder.GIVEN)
            self.order.addItem(_("Họ (Việt)"), NameOrder.FAMILY)
        for c in combos:
            c.blockSignals(False)
        self._point_names = {p.id: p.name for p in self.ctx.read(pts.list_points)}

    def current_query(self) -> Any:
        from desktop.services.due import DueKind

        due = data_of(self.due)
        return self._search.CitizenQuery(
            text=self.search.text().strip(),
            village_key=data_of(self.village),
            status=data_of(self.status),
            due_kind=DueKind(due) if due else None,
            on=dt.date.today(),
            order=data_of(self.order) or self._default_order(),
        )

    @staticmethod
    def _default_order() -> Any:
        from desktop.vietnamese import NameOrder

        return NameOrder.GIVEN

    def run_query(self) -> None:
        self._debounce.stop()
        if not self._loaded:
            return
        self.model.set_query(self.current_query())

    def _after_reset(self) -> None:
        n = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(_("{0} người{1} — truy vấn {2:.0f} ms").format(f"{n:,}".replace(",", "."), more,
                                                                              self.model.last_query_ms))
        if n:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self.panel.clear()

    def _show_row(self, row: int) -> None:
        from desktop.services import statuses

        r = self.model.row_at(row)
        if r is None:
            self.panel.clear()
            return
        events = self.ctx.read(statuses.history, r.id)
        allowed = statuses.allowed_events(statuses.State(r.status, bool(r.has_card), int(r.vneid_stage or 0)))
        self.panel.show_citizen(r, events, self._point_names, allowed)

    def _record(self, citizen_id: int, event: str) -> None:
        if event in labels.CONFIRM_EVENTS:
            answer = QMessageBox.question(self, _("Xác nhận"), _("Ghi “{0}” cho công dân này?").format(
                labels.event_action(event)))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.ctx.runner.op(ops.record_event(citizen_id, event, operator_id=self.ctx.operator_id), self).run()

    def _focus_table(self) -> None:
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r).id for r in sorted(rows) if self.model.row_at(r) is not None]
