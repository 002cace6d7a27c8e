"""Progress: today and cumulative against the province's targets, per village, and a day-by-day chart.

The numbers come from `services.progress.progress()` (itself built on services.indicators, the same
counting rule as the day close), so what this view shows is what the daily report will say.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.projection import STALL_DAYS
from desktop.changes import Changes
from desktop.ui.support import labels, numbers
from desktop.ui.support.cells import table_item
from desktop.ui.support.chart import ChartData, DayChart, Series
from desktop.ui.support.columns import ColumnFitter, text_of
from desktop.ui.support.combo import ANY, data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.views.base import View
from sync import indicators as registry

if TYPE_CHECKING:
    from desktop.services.figures.progress import Progress, VillageProgress
    from desktop.ui.dialogs.village_target import VillageTargetDialog
    from desktop.ui.support.runner import RunningOp

_ = translator("ProgressView")

CHART_INDICATORS = registry.MAIN  # the target indicators (sync/indicators.py)
VILLAGE_COLUMNS = registry.VILLAGE_TARGETS  # the village table's figures: those a village can have a target for


def _village_heading(key: str) -> str:
    """The village table's column for an indicator: these words go through Qt's translations; an indicator
    without them shows the registry's words (labels.indicator)."""
    known = {"card_captured": _("Hồ sơ thẻ căn cước"), "vneid_l2_captured": _("VNeID mức 2"),
             "vneid_activated": _("Kích hoạt"), "attended": _("Người đến")}
    return known.get(key) or labels.indicator(key)


def _num(n: int | None) -> str:
    return numbers.number(n)


def _item(text: str, align_right: bool = True) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    return t


def _fitter(t: QTableWidget) -> ColumnFitter:
    """Words never cut and no sideways scrolling: beside a side panel or at 1024 px, headers and long cells
    go onto more lines (support/columns.py)."""
    return ColumnFitter(t, stretch=None)


class ProgressView(View):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.setObjectName("progressView")
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("progressDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        dl = QLabel(_("Tính đến ngà&y:"))
        dl.setBuddy(self.day)
        self.point = QComboBox()
        self.point.setObjectName("progressPoint")
        pl = QLabel(_("Đ&iểm:"))
        pl.setBuddy(self.point)
        for w in (dl, self.day, pl, self.point):
            top.addWidget(w)
        top.addStretch(1)
        self.set_targets = QPushButton(_("Chỉ tiê&u thôn/tổ…"))
        self.set_targets.setObjectName("villageTargetsButton")
        self.set_targets.setToolTip(_("Đặt, sửa hoặc xoá chỉ tiêu của một thôn/tổ (người phụ trách)"))
        self.set_targets.clicked.connect(lambda: self.edit_village_target())
        top.addWidget(self.set_targets)
        lay.addLayout(top)
        # a point's progress has no target: the province's targets are the whole commune's (as the report)
        self.point_note = QLabel(_("Điểm thu nhận: không so với chỉ tiêu giao cho toàn xã; tỷ lệ đạt chỉ tính "
                                   "cho toàn xã."))
        self.point_note.setObjectName("progressPointNote")
        self.point_note.setWordWrap(True)
        self.point_note.hide()
        lay.addWidget(self.point_note)

        # Three full-width parts, one above the other: at 1366 px (and 1024) every column of both tables is
        # visible without scrolling sideways and village names are never cut; the officer drags the
        # dividers to give one part more room.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        ibox = QGroupBox(_("Chỉ tiêu"))
        il = QVBoxLayout(ibox)
        self.indicators = _table("indicatorTable", [_("Chỉ tiêu"), _("Hôm nay"), _("Luỹ kế"), _("Mục tiêu"), _("Đạt"),
                                                    _("Dự kiến đạt mục tiêu")])
        self.indicators_fit = _fitter(self.indicators)
        il.addWidget(self.indicators)
        split.addWidget(ibox)
        vbox = QGroupBox(_("Theo thôn/tổ (luỹ kế)"))
        vl = QVBoxLayout(vbox)
        self.villages = _table("villageTable", [_("Thôn/Tổ"), *(_village_heading(k) for k in VILLAGE_COLUMNS),
                                                _("Chỉ tiêu của thôn (% đạt)")])
        self.villages_fit = _fitter(self.villages)
        vl.addWidget(self.villages)
        split.addWidget(vbox)
        cbox = QGroupBox(_("Theo ngày (cột: trong ngày; đường: luỹ kế; nét đứt: mục tiêu)"))
        cl = QVBoxLayout(cbox)
        self.chart = DayChart()
        cl.addWidget(self.chart)
        split.addWidget(cbox)
        split.setSizes([190, 230, 260])
        lay.addWidget(split, 1)
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.point.currentIndexChanged.connect(lambda _i: self._load())
        self.last: Progress | None = None

    def cares_about(self, changes: Changes) -> bool:
        return changes.statuses or changes.citizens or changes.points

    def reload(self) -> None:
        from desktop.services.register import points as pts

        keep = data_of(self.point)
        self.point.blockSignals(True)
        self.point.clear()
        self.point.addItem(_("Toàn xã"), ANY)
        for p in self.app.read(pts.list_points):
            self.point.addItem(p.name, p.id)
        if keep is not None and (i := self.point.findData(keep)) >= 0:
            self.point.setCurrentIndex(i)
        self.point.blockSignals(False)
        self._load()

    def _load(self) -> None:
        from desktop.services.figures import progress as prog

        on = cast(dt.date, self.day.date().toPython())
        p = self.app.read(prog.progress, on, point_id=data_of(self.point))
        self.last = p
        self.point_note.setVisible(p.point_id is not None)
        if on == dt.date.today():  # the today column names its scope, in check-in's words
            from desktop.ui.views.checkin import today_scope_title

            self.indicators.setHorizontalHeaderItem(1, QTableWidgetItem(today_scope_title(self.app, p.point_id)))
        else:
            self.indicators.setHorizontalHeaderItem(1, QTableWidgetItem(_("Ngày {0:%d/%m/%Y}").format(on)))
        self._fill_indicators(p)
        self._fill_villages(p)
        self._fill_chart(p)

    def _fill_indicators(self, p: Progress) -> None:
        rows = list(p.indicators)
        self.indicators.setRowCount(len(rows))
        for r, row in enumerate(rows):
            if row.projected is not None:
                proj_text = row.projected.strftime("%d/%m/%Y")
                if row.on_track is False and row.deadline:
                    proj_text += _(" (trễ hạn {0})").format(row.deadline.strftime("%d/%m/%Y"))
            elif row.target and row.met and row.reached is not None:
                proj_text = _("Đạt ngày {0}").format(f"{row.reached.day}/{row.reached.month}")
            elif row.target and row.met:
                proj_text = _("Đã đạt")
            elif row.target:
                proj_text = _("Chưa đủ số liệu")
            else:
                proj_text = _("Chưa có mục tiêu")
            if row.target and not row.met and row.stalled is not None and row.stalled >= STALL_DAYS:
                proj_text += _(" — không tiến triển {0} ngày").format(row.stalled)
            values = (labels.indicator(row.code), _num(row.today), _num(row.cumulative),
                      _num(row.target) if row.target else "—",
                      numbers.percent(row.percent), proj_text)
            for c, v in enumerate(values):
                self.indicators.setItem(r, c, _item(v, align_right=c not in (0, 5)))
            table_item(self.indicators, r, 0).setData(Qt.ItemDataRole.UserRole, row.code)
        self.indicators_fit.fit()

    def _fill_villages(self, p: Progress) -> None:
        rows = list(p.villages)
        self.villages.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [row.village] + [_num(row.cumulative.get(k, 0)) for k in VILLAGE_COLUMNS] + [_village_goal(row)]
            for c, v in enumerate(values):
                self.villages.setItem(r, c, _item(str(v), align_right=0 < c <= len(VILLAGE_COLUMNS)))
        self.villages_fit.fit()

    def _fill_chart(self, p: Progress) -> None:
        days = [d for d, _counts in p.series]
        targets = {row.code: row.target for row in p.indicators}
        cumulative = {row.code: row.cumulative for row in p.indicators}
        series = []
        for k in CHART_INDICATORS:
            daily = [int(c.get(k, 0)) for _d, c in p.series]
            series.append(Series(labels.indicator(k), daily, targets.get(k),
                                 base=max(0, cumulative.get(k, 0) - sum(daily))))
        self.chart.set_data(ChartData(days, series))

    def edit_village_target(self, dialog: VillageTargetDialog | None = None) -> RunningOp | None:
        """Open the village-target dialog (or use `dialog`, already filled, in tests) and save through the
        runner; the service checks the supervisor and writes the audit entry."""
        from PySide6.QtWidgets import QMessageBox

        from desktop.ui.actions.roles import current_operator, supervisor_refusal
        from desktop.ui.dialogs.village_target import VillageTargetDialog
        from desktop.ui.operations import targets as target_ops

        refusal = supervisor_refusal(self.app, _("đặt chỉ tiêu theo thôn/tổ"))
        if refusal:
            QMessageBox.warning(self, _("Chỉ tiêu theo thôn/tổ"), refusal)
            return None
        if dialog is None:
            row = self.villages.currentRow()
            key = self.last.villages[row].village_key if self.last is not None and 0 <= row < len(
                self.last.villages) else None
            dialog = VillageTargetDialog(self.app, self, key)
            if dialog.exec() != VillageTargetDialog.DialogCode.Accepted:
                return None
        village, indicator, value = dialog.chosen()
        op = current_operator(self.app)
        fn = (target_ops.clear_village_target(village, indicator, op) if value is None
              else target_ops.set_village_target(village, indicator, value, op))
        return self.app.runner.op(fn, self, "village_target").run()

    def indicator_value(self, key: str, column: int = 2) -> str:
        for r in range(self.indicators.rowCount()):
            if table_item(self.indicators, r, 0).data(Qt.ItemDataRole.UserRole) == key:
                return text_of(table_item(self.indicators, r, column))
        return ""


def _village_goal(row: VillageProgress) -> str:
    """'Thẻ 80,0 %; Kích hoạt 100,0 % — Đạt' for a village with targets set by the commune; '—' without."""
    if not row.targets:
        return "—"
    short = {"card_captured": _("Thẻ"), "vneid_l2_captured": _("VNeID"), "vneid_activated": _("Kích hoạt"),
             "attended": _("Người đến")}
    parts = []
    for k in registry.VILLAGE_TARGETS:
        if k in row.targets:
            word = short.get(k) or labels.indicator(k)
            pct = row.target_percent.get(k)
            parts.append(f"{word} {numbers.percent(pct)}" if pct is not None else word)
    return "; ".join(parts) + " — " + (_("Đạt") if row.met else _("Chưa đạt"))
