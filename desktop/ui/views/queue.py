"""The register view: search-as-you-type over every citizen, filters, and a detail panel with actions.

The table pages through `search.query_citizens` (see queue_model); typing restarts a short debounce so
a burst of keystrokes makes one query. A keystroke reads only one screenful of rows on the UI thread;
the total count and the village list are read on the worker afterwards (quiet operations of
`operations/register.py`), and the side panel (citizen_panel.py) follows the selection a moment later, so
none of them sits on the keystroke path. The panel's buttons (the next allowed events) run as operations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.changes import Changes
from desktop.ui.operations import register as register_ops
from desktop.ui.support import labels, lang, numbers
from desktop.ui.support.combo import ANY, data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.flow import FlowLayout
from desktop.ui.support.lang import translator
from desktop.ui.support.table_end import reach_end_on_ctrl_end
from desktop.ui.views.base import View
from desktop.ui.views.citizen_panel import CitizenPanel
from desktop.ui.views.queue_model import CitizenTableModel

if TYPE_CHECKING:
    from common.vietnamese import NameOrder
    from desktop.services.due.search import CitizenQuery
    from desktop.services.register.rows import CitizenRow

_ = translator("QueueView")

DEBOUNCE_MS = 25  # coalesces a scanner's or a fast typist's burst; p95 goal is 100 ms per keystroke
FIRST_PAGE = 50  # rows read on a keystroke: more than a 1366x768 screen shows (about 22)
PAGE = 200  # rows per scroll page (keyset paging: constant cost at any depth)
PANEL_DELAY_MS = 60  # the detail panel follows the selection after the burst of keys or arrow presses
COLUMN_WIDTHS = (210, 110, 84, 40, 140, 94, 160)  # the last column (VNeID) stretches to the edge


class QueueView(View):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.setObjectName("queueView")
        from desktop.services.due import search

        self._search = search
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(_("Tên, số định danh, số điện thoại, thôn… (không cần dấu)"))
        self.search.setClearButtonEnabled(True)
        lbl = QLabel(_("Tì&m:"))
        lbl.setBuddy(self.search)
        bar.addWidget(lbl)
        bar.addWidget(self.search, 1)
        lay.addLayout(bar)
        filters = FlowLayout()  # the filters on rows of their own, wrapping: nothing squeezed beside a panel
        self.village = self._combo(filters, _("T&hôn:"), "villageFilter")
        self.village.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.village.setMinimumContentsLength(16)  # a long village name must not push the other filters off
        self.status = self._combo(filters, _("Trạng thá&i:"), "statusFilter")
        self.due = self._combo(filters, _("Cần &làm:"), "dueFilter")
        self.order = self._combo(filters, _("Xếp th&eo:"), "orderFilter")
        lay.addLayout(filters)
        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        lay.addWidget(self.count_label)

        self.model = CitizenTableModel(self._fetch, self, page=PAGE, first_page=FIRST_PAGE, seek=self._seek)
        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        reach_end_on_ctrl_end(self.table)  # Ctrl+End: the register's last row, not the last page loaded
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
        hh.setMinimumSectionSize(40)
        hh.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        for col, width in enumerate(COLUMN_WIDTHS):  # set once: a keystroke never touches the header
            self.table.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        self.panel = CitizenPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        side = QScrollArea()  # the panel's action buttons, one a row, scroll rather than squash
        side.setWidget(self.panel)
        side.setWidgetResizable(True)
        side.setFrameShape(QFrame.Shape.NoFrame)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumWidth(self.panel.minimumWidth() + side.verticalScrollBar().sizeHint().width())
        split.addWidget(side)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 340])
        lay.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._focus_table)
        for combo in (self.village, self.status, self.due, self.order):
            combo.currentIndexChanged.connect(lambda _i: self.run_query())
        self._panel_timer = QTimer(self)
        self._panel_timer.setSingleShot(True)
        self._panel_timer.setInterval(PANEL_DELAY_MS)
        self._panel_timer.timeout.connect(self._show_current)
        self.table.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._panel_timer.start())
        self.panel.action.connect(self._record)
        self.model.modelReset.connect(self._after_reset)
        self.model.page_loaded.connect(lambda _n, _ms: self._update_count())
        self._point_names: dict[int, str] = {}
        self._villages_stale = True
        self._villages_loading = False
        self._points_stale = True
        self._total: tuple[CitizenQuery, int] | None = None  # (query it counts, total)
        self._counting: CitizenQuery | None = None  # the query a worker count is running for

    def _combo(self, bar: FlowLayout, label: str, name: str) -> QComboBox:
        c = QComboBox()
        c.setObjectName(name)
        c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        lab = QLabel(label)
        lab.setBuddy(c)
        pair = QWidget()  # a label stays with its combo when the row wraps
        row = QHBoxLayout(pair)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(lab)
        row.addWidget(c)
        bar.addWidget(pair)
        return c

    # --- data ------------------------------------------------------------------------------------
    def _fetch(self, q: CitizenQuery, offset: int, limit: int) -> list[CitizenRow]:
        return self.app.read(self._search.query_citizens, q, offset, limit)

    def _seek(self, q: CitizenQuery, last: CitizenRow, limit: int) -> list[CitizenRow] | None:
        """The next page after `last` by key (the sorted listing); None lets the model use offsets."""
        key = self._search.seek_key(last)
        if key is None or not self._search.is_listing(q):
            return None
        return self.app.read(self._search.query_citizens, q, 0, limit, key)

    def cares_about(self, changes: Changes) -> bool:
        if changes.citizens or changes.commune:
            self._villages_stale = True
        if changes.points or changes.commune:
            self._points_stale = True
        return changes.citizens or changes.statuses or changes.schedule or changes.commune

    def reload(self) -> None:
        self._fill_fixed_filters()
        if self._points_stale:
            from desktop.services.register import points as pts

            self._points_stale = False
            self._point_names = {p.id: p.name for p in self.app.read(pts.list_points)}
        if self.model.query() is None:
            self.run_query()
        else:
            self.model.refresh()
            self._total = None
            self._start_count()
        if self._villages_stale:
            self._load_villages()

    def _fill_fixed_filters(self) -> None:
        """Status, due kind and order: fixed lists, filled once without touching the database."""
        if self.status.count():
            return
        from common.vietnamese import NameOrder
        from desktop.services.due.rules import DueKind
        from desktop.services.register.statuses import Status

        combos = (self.village, self.status, self.due, self.order)
        for c in combos:
            c.blockSignals(True)
        self.village.addItem(_("Tất cả"), ANY)
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

    def _load_villages(self) -> None:
        """The village list (a GROUP BY over the register) is read on the worker after the first paint."""
        if self._villages_loading:
            return
        self._villages_loading = True
        self._villages_stale = False
        def done(rows: list[tuple[str, str, int]]) -> None:
            if not isValid(self):
                return
            self._villages_loading = False
            self._fill_villages(rows)
            if self._villages_stale:
                self._load_villages()

        def failed(_exc: BaseException, _tb: str) -> None:
            self._villages_loading = False

        self.app.runner.op(register_ops.villages(), self, "villages").quiet().success(done).failure(failed).run()

    def _fill_villages(self, rows: list[tuple[str, str, int]]) -> None:
        keep = data_of(self.village)
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(_("Tất cả"), ANY)
        for key, name, count in rows:
            self.village.addItem(f"{name} ({numbers.number(count)})", key)
        if keep is not None and (i := self.village.findData(keep)) >= 0:  # noqa: SIM102
            self.village.setCurrentIndex(i)
        self.village.blockSignals(False)
        if keep is not None and data_of(self.village) != keep:  # the chosen village is gone
            self.run_query()

    def villages_loaded(self) -> bool:
        return self.village.count() > 1 and not self._villages_loading

    def current_query(self) -> CitizenQuery:
        from desktop.services.due.rules import DueKind

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
    def _default_order() -> NameOrder:
        from common.vietnamese import NameOrder

        return NameOrder.GIVEN

    def run_query(self) -> None:
        self._debounce.stop()
        if not self._loaded:
            return
        self._total = None
        self.model.set_query(self.current_query())
        self._start_count()

    # --- count, off the keystroke path -------------------------------------------------------------
    def _start_count(self) -> None:
        """Count the current query on the worker; one count at a time, the latest query wins."""
        q = self.model.query()
        if q is None or self._counting is not None:
            return
        if not self.model.canFetchMore():  # every row is loaded: the count is known
            self._total = (q, self.model.rowCount())
            self._update_count()
            return
        self._counting = q
        self.app.runner.op(register_ops.count_citizens(q), self, "count").quiet().success(lambda n: self._counted(q, n)).failure(
            lambda _e, _tb: self._counted(q, None)).run()

    def _counted(self, q: CitizenQuery, total: int | None) -> None:
        if not isValid(self):  # the window was replaced (language switch) while counting
            return
        self._counting = None
        if q is self.model.query():
            if total is not None:
                self._total = (q, total)
            self._update_count()
        else:
            self._start_count()  # typed on meanwhile: count what is shown now

    def total(self) -> int | None:
        """The current query's total once counted (None while counting)."""
        if self._total is not None and self._total[0] is self.model.query():
            return self._total[1]
        return None

    def _update_count(self) -> None:
        n = self.model.rowCount()
        total = self.total()
        if total is None and not self.model.canFetchMore():
            total = n
        fmt = numbers.number
        if total is None:
            text = _("{0}+ người (đang đếm…)").format(fmt(n))
        elif n < total:
            text = _("{0} người — đang hiện {1}").format(fmt(total), fmt(n))
        else:
            text = _("{0} người").format(fmt(total))
        self.count_label.setText(numbers.counted(text) + "   " + _("(truy vấn {0:.0f} ms)").format(self.model.last_query_ms))

    def _after_reset(self) -> None:
        self._update_count()
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollToTop()
        else:
            self._panel_timer.stop()
            self.panel.clear()

    def _show_current(self) -> None:
        self._show_row(self.table.currentIndex().row())

    def _show_row(self, row: int) -> None:
        from desktop.services.register import statuses

        r = self.model.row_at(row)
        if r is None:
            self.panel.clear()
            return
        events = self.app.read(statuses.history, r.id)
        allowed = statuses.allowed_events(statuses.State(r.status, bool(r.has_card), int(r.vneid_stage or 0)))
        self.panel.show_citizen(r, events, self._point_names, allowed)

    def _record(self, citizen_id: int, event: str) -> None:
        if event in labels.CONFIRM_EVENTS:
            answer = QMessageBox.question(self, _("Xác nhận"), _("Ghi “{0}” cho công dân này?").format(
                labels.event_action(event)))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.app.runner.op(register_ops.record_event(citizen_id, event, operator_id=self.app.operator_id), self).run()

    def _focus_table(self) -> None:
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [c.id for c in (self.model.row_at(r) for r in sorted(rows)) if c is not None]
