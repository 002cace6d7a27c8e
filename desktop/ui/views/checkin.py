"""Check-in at the point: one input for a name, an ID number or a slip's QR code, one key per action.

A USB barcode scanner is a keyboard: it types the slip code and presses Enter, so Enter runs the
lookup at once and a single hit becomes the current citizen. F5–F8 record the usual actions and Ctrl+Z
undoes the last one (within 10 minutes: services/scheduling/undo.py); the input gets the focus back,
fully selected, after each one, ready for the next slip. Counters for today refresh after
every recorded action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import Changes
from desktop.ui.operations import checkin as checkin_ops
from desktop.ui.support import labels, lang
from desktop.ui.support.combo import ANY, data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.views.base import View
from desktop.ui.views.checkin_hits import hit_fields
from desktop.ui.views.checkin_layout import StackWhenNarrow, hits_table

_ = translator("CheckinView")

TYPING_DEBOUNCE_MS = 250


def actions() -> list[tuple[str, str, str]]:
    """(service action, key, label) — the labels show the key so nobody has to remember it."""
    return [
        ("attended", "F5", _("Đã đến")),
        ("card_captured", "F6", _("Thu hồ sơ thẻ căn cước")),
        ("vneid_l2_captured", "F7", _("Thu VNeID mức 2")),
        ("no_show", "F8", _("Vắng mặt")),
    ]


def today_scope_title(app: AppContext, point_id: int | None) -> str:
    """"Hôm nay tại <point>" or "Hôm nay — toàn xã": the same words on check-in and progress, so that two
    "today" figures of one scope can be compared (both count with `indicators.count_day`)."""
    from desktop.services.register import points as pts

    if point_id is None:
        return _("Hôm nay — toàn xã")
    name = next((p.name for p in app.read(pts.list_points) if p.id == point_id), "")
    return _("Hôm nay tại {0}").format(name)


class CheckinView(View):
    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.setObjectName("checkinView")
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.session_combo = QComboBox()
        self.session_combo.setObjectName("checkinSession")
        self.session_combo.setMinimumContentsLength(40)
        sl = QLabel(_("&Buổi:"))
        sl.setBuddy(self.session_combo)
        top.addWidget(sl)
        top.addWidget(self.session_combo, 1)
        lay.addLayout(top)

        scan_row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setObjectName("scanInput")
        self.input.setPlaceholderText(_("Quét phiếu, gõ tên / số định danh"))  # short: fits beside a panel
        self.input.setToolTip(_("Quét mã trên phiếu hẹn, hoặc gõ tên / số định danh rồi Enter"))
        f = self.input.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        self.input.setFont(f)
        il = QLabel(_("&Quét / tìm:"))
        il.setBuddy(self.input)
        scan_row.addWidget(il)
        scan_row.addWidget(self.input, 1)
        self.walkin_button = QPushButton(_("Người đến trực tiế&p (Ctrl+N)"))
        self.walkin_button.setObjectName("walkInButton")
        scan_row.addWidget(self.walkin_button)
        lay.addLayout(scan_row)

        body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.hits, self.hits_fit = hits_table()
        body.addWidget(self.hits, 3)

        right = QVBoxLayout()
        card = QGroupBox(_("Công dân"))
        cl = QVBoxLayout(card)
        self.name_label = QLabel(_("Chưa chọn ai"))
        self.name_label.setObjectName("currentName")
        nf = self.name_label.font()
        nf.setPointSizeF(nf.pointSizeF() * 1.6)
        nf.setBold(True)
        self.name_label.setFont(nf)
        self.name_label.setWordWrap(True)
        self.detail_label = QLabel("")
        self.detail_label.setObjectName("currentDetail")
        self.detail_label.setWordWrap(True)
        cl.addWidget(self.name_label)
        cl.addWidget(self.detail_label)
        grid = QGridLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for i, (action, key, label) in enumerate(actions()):
            b = QPushButton(f"{key}  {label}")
            b.setObjectName(f"checkin_{action}")
            b.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
            b.clicked.connect(lambda _c=False, a=action: self.mark(a))
            QShortcut(QKeySequence(key), self, lambda a=action: self.mark(a),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            grid.addWidget(b, i // 2, i % 2)
            self.action_buttons[action] = b
        cl.addLayout(grid)
        self.message = QLabel("")
        self.message.setObjectName("checkinMessage")
        self.message.setWordWrap(True)
        cl.addWidget(self.message)
        right.addWidget(card)
        counters = QGroupBox(_("Hôm nay"))
        counters.setObjectName("checkinCounters")
        self.counters_box = counters  # its title names the scope: this point, or the whole commune
        self.counter_grid = QGridLayout(counters)
        self.counter_labels: dict[str, QLabel] = {}
        right.addWidget(counters)
        right.addStretch(1)
        body.addLayout(right, 2)
        lay.addLayout(body, 1)
        self.layout_switch = StackWhenNarrow(self, body)  # the card under the hits when narrow

        self._typing = QTimer(self, singleShot=True, interval=TYPING_DEBOUNCE_MS)
        self._typing.timeout.connect(lambda: self.lookup(self.input.text(), auto_pick=False))
        self.input.textEdited.connect(lambda _t: self._typing.start())
        self.input.returnPressed.connect(self._enter)
        self.hits.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._select_row(r))
        self.walkin_button.clicked.connect(self.walk_in)
        QShortcut(QKeySequence("Ctrl+N"), self, self.walk_in, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+Z"), self, self.undo_last,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.input.installEventFilter(self)  # the scan box would take Ctrl+Z as its own text undo
        self.session_combo.currentIndexChanged.connect(lambda _i: self._refresh_counters())
        self._hits: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self._set_actions_enabled(False)

    # --- session ---------------------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.schedule or changes.statuses or changes.points or changes.citizens

    def reload(self) -> None:
        from desktop.services import scheduling

        keep = self.session_id()
        today = dt.date.today()
        sessions = self.app.read(scheduling.list_enrollment_sessions, today, today)
        if keep is not None and all(s.id != keep for s in sessions):
            sessions = sessions + [self.app.read(scheduling.enrollment_session_summary, keep)]
        self.session_combo.blockSignals(True)
        self.session_combo.clear()
        self._points = {}
        for s in sessions:
            self.session_combo.addItem(f"{s.day.strftime('%d/%m/%Y')} {s.start.strftime('%H:%M')}–"
                                       f"{s.end.strftime('%H:%M')} · {s.point_name}", s.id)
            self._points[s.id] = s.point_id
        if not sessions:
            self.session_combo.addItem(_("Không có buổi nào hôm nay (ghi tại trụ sở)"), ANY)
        if keep is not None and (i := self.session_combo.findData(keep)) >= 0:
            self.session_combo.setCurrentIndex(i)
        self.session_combo.blockSignals(False)
        self._refresh_counters()
        if self.current is not None:
            self.lookup(self.input.text(), auto_pick=True, keep_id=self.current["citizen_id"])

    def session_id(self) -> int | None:
        return data_of(self.session_combo)

    def point_id(self) -> int | None:
        sid = self.session_id()
        if sid is not None:
            return getattr(self, "_points", {}).get(sid)
        from desktop.services.register import points as pts

        plist = self.app.read(pts.list_points, active_only=True)
        return plist[0].id if plist else None

    def set_session(self, session_id: int) -> None:
        self._loaded = True
        self.session_combo.blockSignals(True)
        self.session_combo.addItem("", session_id)  # placeholder so reload() keeps it
        self.session_combo.setCurrentIndex(self.session_combo.count() - 1)
        self.session_combo.blockSignals(False)
        self.reload()
        self.input.setFocus()

    def focus_search(self) -> None:
        self.input.setFocus()
        self.input.selectAll()

    def activate(self) -> None:
        super().activate()
        self.input.setFocus()

    # --- lookup ----------------------------------------------------------------------------------
    def _enter(self) -> None:
        self._typing.stop()
        self.lookup(self.input.text(), auto_pick=True)
        self.input.selectAll()  # the next scan replaces the text

    def lookup(self, text: str, *, auto_pick: bool, keep_id: int | None = None) -> None:
        from desktop.services.scheduling import checkin

        text = text.strip()
        if not text:
            return
        hits = [hit_fields(h) for h in self.app.read(checkin.lookup, text, enrollment_session_id=self.session_id())]
        self._hits = hits
        self.hits.blockSignals(True)
        self.hits.setRowCount(len(hits))
        for r, h in enumerate(hits):
            slot = h["slot"].strftime("%H:%M") if isinstance(h["slot"], dt.time) else ""
            for c, v in enumerate((h["full_name"], h["birth"], h["id_number"], h["village"], slot,
                                   lang.status_label(h["status"]))):
                self.hits.setItem(r, c, QTableWidgetItem(v))
        self.hits_fit.fit()
        self.hits.blockSignals(False)
        if not hits:
            self._show(None)
            self.message.setText(_("Không tìm thấy “{0}”.").format(text))
            return
        pick = 0
        if keep_id is not None:
            pick = next((i for i, h in enumerate(hits) if h["citizen_id"] == keep_id), 0)
        if auto_pick or len(hits) == 1 or keep_id is not None:
            self.hits.setCurrentCell(pick, 0)
            self._select_row(pick)
        self.message.setText("" if len(hits) == 1 else _("{0} kết quả: chọn bằng phím mũi tên.").format(len(hits)))

    def _select_row(self, row: int) -> None:
        self._show(self._hits[row] if 0 <= row < len(self._hits) else None)

    def _show(self, h: dict[str, Any] | None) -> None:
        self.current = h
        self._set_actions_enabled(h is not None)
        if h is None:
            self.name_label.setText(_("Chưa chọn ai"))
            self.detail_label.setText("")
            return
        self.name_label.setText(h["full_name"])
        slot = h["slot"].strftime("%H:%M") if isinstance(h["slot"], dt.time) else _("không có lịch hẹn")
        self.detail_label.setText(_("Sinh {birth} · {village}\nSố định danh: {idn}\nGiờ hẹn: {slot} · {status}").format(
            birth=h["birth"], village=h["village"], idn=h["id_number"] or _("(chưa có)"), slot=slot,
            status=lang.status_label(h["status"])))

    def _set_actions_enabled(self, on: bool) -> None:
        for b in self.action_buttons.values():
            b.setEnabled(on)

    # --- actions ---------------------------------------------------------------------------------
    def mark(self, action: str) -> None:
        if self.current is None:
            self.message.setText(_("Chưa chọn công dân: hãy quét phiếu hoặc tìm trước."))
            self.ready_for_scan()
            return
        cid = self.current["citizen_id"]
        label = dict((a, lab) for a, _k, lab in actions())[action]
        (self.app.runner.op(checkin_ops.mark(cid, action, enrollment_session_id=self.session_id(), point_id=self.point_id(),
                                             operator_id=self.app.operator_id), self)
         .success(lambda _r: self._marked(label))
         .failure(self._failed)
         .run())

    def _marked(self, label: str) -> None:
        name = self.current["full_name"] if self.current else ""
        self.message.setText(_("✔ Đã ghi “{0}” cho {1}.").format(label, name))
        self.ready_for_scan()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Ctrl+Z in the scan box undoes the last mark, not the box's typing (a scan replaces it anyway)."""
        if (watched is self.input and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Undo)):
            self.undo_last()
            return True
        return super().eventFilter(watched, event)

    def undo_last(self) -> None:
        """Ctrl+Z: undo the last mark recorded at this laptop (a refusal is said inline, like a mark's)."""
        (self.app.runner.op(checkin_ops.undo_last_mark(self.app.operator_id), self)
         .success(self._undone)
         .failure(self._failed)
         .run())

    def _undone(self, result: Any) -> None:
        what = ", ".join(lang.status_label(k) for k in result.undone)
        text = _("↶ Đã hủy “{0}” của {1}; trạng thái: {2}.").format(
            what, result.full_name, lang.status_label(result.status))
        self.message.setText(text)
        bar = getattr(self.window(), "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)
        self.ready_for_scan()

    def ready_for_scan(self) -> None:
        """After every action the scan box is focused and its text fully selected: the next USB scan replaces
        it instead of being appended to it."""
        self.input.setFocus()
        self.input.selectAll()

    def _failed(self, exc: BaseException, tb: str) -> None:
        from desktop.ui.dialogs.error import show_error
        from desktop.ui.support.errors import user_message

        msg = user_message(exc)
        if msg is not None:  # a refused transition is everyday business: say it inline, no dialog
            self.message.setText("✖ " + msg)
            self.ready_for_scan()
        else:
            show_error(self, exc, tb)

    def walk_in(self) -> None:
        from desktop.services.due import search
        from desktop.ui.dialogs.walk_in import WalkInDialog

        villages = [name for _k, name, _n in self.app.read(search.villages)]
        dlg = WalkInDialog(self, villages)
        self._walkin_dialog = dlg
        dlg.accepted.connect(lambda: self._add_walk_in(dlg.values()))
        dlg.rejected.connect(self.ready_for_scan)
        dlg.open()

    def _add_walk_in(self, fields: dict[str, Any]) -> None:
        (self.app.runner.op(checkin_ops.add_walk_in(fields, enrollment_session_id=self.session_id(), point_id=self.point_id(),
                                            operator_id=self.app.operator_id), self)
         .success(lambda _r: self._walked_in(fields))
         .failure(self._failed)
         .run())

    def _walked_in(self, fields: dict[str, Any]) -> None:
        self.input.setText(fields.get("id_number") or fields.get("full_name", ""))
        self.lookup(self.input.text(), auto_pick=True)
        self.message.setText(_("✔ Đã thêm {0} và ghi đã đến.").format(fields.get("full_name", "")))
        self.ready_for_scan()

    # --- counters --------------------------------------------------------------------------------
    def _refresh_counters(self) -> None:
        from desktop.services.scheduling import checkin

        point_id = self.point_id()
        counts = self.app.read(checkin.today_counters, dt.date.today(), point_id)
        self.counters_box.setTitle(today_scope_title(self.app, point_id))
        items = counts.items() if isinstance(counts, dict) else (
            (k, getattr(counts, k)) for k in getattr(counts, "__dataclass_fields__", {}) if isinstance(getattr(counts, k), int))
        for key, value in items:
            if key not in self.counter_labels:
                name = QLabel(labels.indicator(key, key) + ":")
                num = QLabel("")
                num.setObjectName(f"counter_{key}")
                nf = num.font()
                nf.setBold(True)
                nf.setPointSizeF(nf.pointSizeF() * 1.3)
                num.setFont(nf)
                r = len(self.counter_labels)
                self.counter_grid.addWidget(name, r, 0)
                self.counter_grid.addWidget(num, r, 1)
                self.counter_labels[key] = num
            self.counter_labels[key].setText(str(value))

    def counter(self, key: str) -> int | None:
        lab = self.counter_labels.get(key)
        return int(lab.text()) if lab and lab.text().isdigit() else None
