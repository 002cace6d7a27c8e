"""Enrollment sessions: plan one (capacity per slot shown as you type), fill it from the due list, see
slots with bookings, move people between slots (drag and drop or Ctrl+M), reschedule no-shows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTimeEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import Changes
from desktop.ui.operations import schedule as schedule_ops
from desktop.ui.support import lang, numbers
from desktop.ui.support.context import AppContext
from desktop.ui.support.flow import FlowLayout
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit
from desktop.ui.views.base import View

if TYPE_CHECKING:
    from desktop.services.scheduling.booking import AppointmentRow
    from desktop.services.scheduling.enrollment_sessions import EnrollmentSessionSummary, SlotInfo
    from desktop.storage.db import Session  # what a Database opens (the UI names no SQL library)

_ = translator("ScheduleView")

ROLE_APPT = Qt.ItemDataRole.UserRole
ROLE_SLOT = Qt.ItemDataRole.UserRole + 1


def _hm(t: dt.time) -> str:
    return t.strftime("%H:%M")


def _slots_of(session: Session, session_id: int) -> list[SlotInfo]:
    from desktop.services import scheduling

    return scheduling.slots(scheduling.get_enrollment_session(session, session_id), session)


class SlotTree(QTreeWidget):
    """Slots as top-level items, appointments as children; dropping a person on a slot moves them."""

    move_requested = Signal(int, object)  # appointment id, slot start

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slotTree")
        self.setColumnCount(5)
        self.setHeaderLabels([_("Khung giờ / Họ tên"), _("Năm sinh"), _("Thôn/Tổ"), _("Mã phiếu"), _("Tình trạng")])
        self.setColumnWidth(0, 300)
        self.setColumnWidth(1, 80)
        self.setColumnWidth(2, 160)
        self.setColumnWidth(3, 110)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt name
        target = self.itemAt(event.position().toPoint())
        item = self.currentItem()
        event.ignore()  # the model of record is the database: refresh after the operation instead
        if target is None or item is None or item.data(0, ROLE_APPT) is None:
            return
        target_parent = target.parent()
        slot_item = target if target_parent is None else target_parent
        slot = slot_item.data(0, ROLE_SLOT)
        parent = item.parent()
        if slot is not None and parent is not None and slot != parent.data(0, ROLE_SLOT):
            emit(self.move_requested, item.data(0, ROLE_APPT), slot)


class ScheduleView(View):
    open_checkin = Signal(int)

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.setObjectName("scheduleView")
        outer = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(split)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        form_box = QGroupBox(_("Tạo buổi thu nhận"))
        form = QFormLayout(form_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow pane: the label above its field
        self.point = QComboBox()
        self.point.setObjectName("pointCombo")
        self.point.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "(TRUSO)" never cut
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("dayEdit")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.start = QTimeEdit(QTime(7, 30))
        self.start.setObjectName("startEdit")
        self.start.setDisplayFormat("HH:mm")
        self.end = QTimeEdit(QTime(11, 30))
        self.end.setObjectName("endEdit")
        self.end.setDisplayFormat("HH:mm")
        self.slot_minutes = QSpinBox(minimum=5, maximum=240, value=30, singleStep=5, suffix=_(" phút"))
        self.slot_minutes.setObjectName("slotMinutes")
        self.kits = QSpinBox(minimum=1, maximum=50, value=1, suffix=_(" máy"))
        self.kits.setObjectName("kitsSpin")
        self.kits.valueChanged.connect(lambda n: self.kits.setSuffix(_kits_suffix(n)))
        self.kits.setSuffix(_kits_suffix(self.kits.value()))
        self.per_person = QSpinBox(minimum=1, maximum=60, value=5, suffix=_(" phút/người"))
        self.capacity = QLabel("")
        self.capacity.setObjectName("capacityLabel")
        self.capacity.setWordWrap(True)
        for label, w in (
            (_("Đ&iểm:"), self.point), (_("Ngà&y:"), self.day), (_("Từ &lúc:"), self.start), (_("Đến lúc:"), self.end),
            (_("Độ dài &khung:"), self.slot_minutes), (_("Số &máy thu nhận:"), self.kits),
            (_("Thời gian mỗi người:"), self.per_person), (_("Sức chứa:"), self.capacity),
        ):
            form.addRow(label, w)
        self.create_button = QPushButton(_("Tạo &buổi"))
        self.create_button.setObjectName("createSession")
        form.addRow(self.create_button)
        ll.addWidget(form_box)
        sess_box = QGroupBox(_("Các buổi đã lên lịch"))
        sl = QVBoxLayout(sess_box)
        self.sessions = QListWidget()
        self.sessions.setObjectName("sessionList")
        sl.addWidget(self.sessions)
        ll.addWidget(sess_box, 1)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.session_title = QLabel(_("Chọn một buổi bên trái"))
        self.session_title.setObjectName("sessionTitle")
        f = self.session_title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.session_title.setFont(f)
        rl.addWidget(self.session_title)
        buttons = FlowLayout()  # wraps: four long labels never fit one row beside the form at 1024 px
        self.assign_button = QPushButton(_("Tự động &xếp người đến hạn"))
        self.assign_button.setObjectName("autoAssign")
        self.move_button = QPushButton(_("&Chuyển khung… (Ctrl+M)"))
        self.move_button.setObjectName("moveButton")
        self.resched_button = QPushButton(_("&Hẹn lại người vắng sang buổi sau"))
        self.resched_button.setObjectName("rescheduleNoShows")
        self.checkin_button = QPushButton(_("Mở tiế&p nhận"))
        self.checkin_button.setObjectName("openCheckin")
        for b in (self.assign_button, self.move_button, self.resched_button, self.checkin_button):
            buttons.addWidget(b)
        rl.addLayout(buttons)
        self.tree = SlotTree()
        rl.addWidget(self.tree, 1)
        split.addWidget(right)
        split.setSizes([420, 940])
        split.setChildrenCollapsible(False)

        for w in (self.slot_minutes, self.kits, self.per_person):
            w.valueChanged.connect(self._update_capacity)
        self.start.timeChanged.connect(self._update_capacity)
        self.end.timeChanged.connect(self._update_capacity)
        self.create_button.clicked.connect(self.create_session)
        self.sessions.currentItemChanged.connect(lambda cur, _prev: self._show_session())
        self.assign_button.clicked.connect(self.auto_assign)
        self.move_button.clicked.connect(self.move_selected)
        self.resched_button.clicked.connect(self.reschedule_no_shows)
        self.checkin_button.clicked.connect(self._open_checkin)
        self.tree.move_requested.connect(self._move)
        QShortcut(QKeySequence("Ctrl+M"), self, self.move_selected,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._summaries: list[EnrollmentSessionSummary] = []
        self._update_capacity()
        self._set_session_enabled(False)

    # --- loading ---------------------------------------------------------------------------------
    def cares_about(self, changes: Changes) -> bool:
        return changes.schedule or changes.points or changes.statuses or changes.citizens

    def reload(self) -> None:
        from desktop.services import scheduling
        from desktop.services.register import points as pts

        keep_point = self.point.currentData()
        self.point.clear()
        for p in self.app.read(pts.list_points, active_only=True):
            self.point.addItem(f"{p.name} ({p.code})", p.id)
        if keep_point is not None and (i := self.point.findData(keep_point)) >= 0:
            self.point.setCurrentIndex(i)
        self.point.setMinimumWidth(self.point.sizeHint().width())  # the longest point name, never cut
        keep = self.session_id()
        self._summaries = self.app.read(scheduling.list_enrollment_sessions, dt.date.today() - dt.timedelta(days=30),
                                        with_booked=True)  # older sessions still holding appointments too
        self.sessions.blockSignals(True)
        self.sessions.clear()
        for s in self._summaries:
            item = QListWidgetItem(
                _("{day} {start}–{end} · {booked}/{cap} chỗ\n{point}").format(
                    day=s.day.strftime("%d/%m/%Y"), start=_hm(s.start), end=_hm(s.end), point=s.point_name,
                    booked=s.booked, cap=s.capacity))
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.sessions.addItem(item)
            if s.id == keep:
                self.sessions.setCurrentItem(item)
        self.sessions.blockSignals(False)
        if self.sessions.currentItem() is None and self.sessions.count():
            today = [i for i, s in enumerate(self._summaries) if s.day >= dt.date.today()]
            self.sessions.setCurrentRow(today[0] if today else self.sessions.count() - 1)
        else:
            self._show_session()

    def session_id(self) -> int | None:
        item = self.sessions.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _open_checkin(self) -> None:
        sid = self.session_id()
        if sid:
            emit(self.open_checkin, sid)

    def select_session(self, session_id: int) -> None:
        for i in range(self.sessions.count()):
            if self.sessions.item(i).data(Qt.ItemDataRole.UserRole) == session_id:
                self.sessions.setCurrentRow(i)
                return

    def _summary(self, session_id: int | None) -> EnrollmentSessionSummary | None:
        return next((s for s in self._summaries if s.id == session_id), None)

    def _set_session_enabled(self, on: bool) -> None:
        for b in (self.assign_button, self.move_button, self.resched_button, self.checkin_button):
            b.setEnabled(on)

    def _show_session(self) -> None:
        from desktop.services import scheduling

        sid = self.session_id()
        s = self._summary(sid)
        self.tree.clear()
        self._set_session_enabled(s is not None)
        if s is None or sid is None:  # a summary is found only for a session id
            self.session_title.setText(_("Chọn một buổi bên trái"))
            return
        self.session_title.setText(_("{point} — {day}, {start}–{end}: {booked}/{cap} chỗ, {per} người/khung").format(
            point=s.point_name, day=s.day.strftime("%d/%m/%Y"), start=_hm(s.start), end=_hm(s.end),
            booked=s.booked, cap=s.capacity, per=s.capacity_per_slot))
        slot_list = self.app.read(_slots_of, sid)
        appts = self.app.read(scheduling.appointments_for, sid)
        by_slot: dict[dt.time, list[AppointmentRow]] = {}
        for a in appts:
            by_slot.setdefault(a.slot_start, []).append(a)
        for sl in slot_list:
            top = QTreeWidgetItem([_("{0}–{1}  ({2}/{3})").format(_hm(sl.start), _hm(sl.end), sl.booked, sl.capacity)])
            top.setData(0, ROLE_SLOT, sl.start)
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            self.tree.addTopLevelItem(top)
            for a in by_slot.get(sl.start, []):
                child = QTreeWidgetItem([a.full_name, str(a.birth_year or ""), a.village, a.code,
                                         self._state_label(a)])
                child.setData(0, ROLE_APPT, a.appointment_id)
                child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
                top.addChild(child)
        self.tree.expandAll()

    @staticmethod
    def _state_label(a: AppointmentRow) -> str:
        states = {"booked": _("Đã hẹn"), "attended": _("Đã đến"), "no_show": _("Vắng mặt"),
                  "moved": _("Đã chuyển"), "cancelled": _("Đã huỷ")}
        base = states.get(a.state, a.state)
        if a.state != "booked" or a.citizen_status in ("scheduled", "rescheduled"):
            return base
        return f"{base} · {lang.status_label(a.citizen_status)}"

    # --- capacity --------------------------------------------------------------------------------
    def _update_capacity(self) -> None:
        t0 = self.start.time()
        t1 = self.end.time()
        minutes = t0.secsTo(t1) // 60
        slot = self.slot_minutes.value()
        per_slot = max(1, self.kits.value() * (slot // max(1, self.per_person.value())))
        n_slots = -(-minutes // slot) if minutes > 0 else 0
        if minutes <= 0:
            self.capacity.setText(_("Giờ kết thúc phải sau giờ bắt đầu"))
            return
        self.capacity.setText(numbers.counted(_("{0} người/khung × {1} khung = {2} người").format(
            per_slot, n_slots, numbers.number(per_slot * n_slots))))

    # --- operations ------------------------------------------------------------------------------
    def create_session(self) -> None:
        if self.point.currentData() is None:
            QMessageBox.warning(self, _("Chưa có điểm"), _("Chưa có điểm thu nhận nào."))
            return
        if not self._day_and_hours_make_sense():
            return
        kwargs = dict(
            point_id=self.point.currentData(), day=self.day.date().toPython(), start=self.start.time().toPython(),
            end=self.end.time().toPython(), slot_minutes=self.slot_minutes.value(), kits=self.kits.value(),
            minutes_per_person=self.per_person.value())
        self.app.runner.op(schedule_ops.create_enrollment_session(**kwargs), self).success(self._created).run()

    def _day_and_hours_make_sense(self, now: dt.datetime | None = None) -> bool:
        """A past day is refused with words; a session today that has already ended is created only when the
        officer confirms (recording a session after the fact)."""
        now = now or dt.datetime.now()
        day, end = cast(dt.date, self.day.date().toPython()), cast(dt.time, self.end.time().toPython())
        if day < now.date():
            QMessageBox.warning(self, _("Ngày đã qua"), _("Ngày {0:%d/%m/%Y} đã qua: không tạo buổi thu nhận cho ngày "
                                                            "đã qua. Hãy chọn hôm nay hoặc một ngày sau.").format(day))
            return False
        if day == now.date() and end <= now.time():
            return QMessageBox.question(
                self, _("Buổi đã kết thúc"),
                _("Buổi hôm nay đến {0:%H:%M} đã kết thúc (bây giờ là {1:%H:%M}). Vẫn tạo buổi này?").format(end, now),
            ) == QMessageBox.StandardButton.Yes
        return True

    def _created(self, session_id: int) -> None:
        self.reload()
        self.select_session(session_id)

    def auto_assign(self) -> None:
        sid = self.session_id()
        if sid is None:
            return
        (self.app.runner.op(schedule_ops.auto_assign(sid, operator_id=self.app.operator_id), self)
         .with_progress(_("Đang xếp lịch…"))
         .success(lambda r: self._main_window().statusBar().showMessage(
             numbers.counted(_("Đã xếp {0} người; {1} người chưa có chỗ.").format(
                 numbers.number(r.assigned), numbers.number(r.not_placed))), 8000))
         .run())

    def _main_window(self) -> QMainWindow:
        return cast(QMainWindow, self.window())  # the view lives in the main window's tabs

    def _selected_appointment(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ROLE_APPT) if item is not None else None

    def move_selected(self) -> None:
        appt = self._selected_appointment()
        sid = self.session_id()
        if appt is None or sid is None:
            QMessageBox.information(self, _("Chuyển khung"), _("Hãy chọn một người trong danh sách khung giờ."))
            return
        slot_list = self.app.read(_slots_of, sid)
        choices = [_("{0}–{1} ({2}/{3})").format(_hm(s.start), _hm(s.end), s.booked, s.capacity) for s in slot_list]
        choice, ok = QInputDialog.getItem(self, _("Chuyển khung giờ"), _("Chuyển sang khung:"), choices, 0, False)
        if ok:
            self._move(appt, slot_list[choices.index(choice)].start)

    def _move(self, appointment_id: int, slot: dt.time) -> None:
        self.app.runner.op(schedule_ops.move_appointment(appointment_id, to_slot=slot, operator_id=self.app.operator_id),
                           self).run()

    def next_session_after(self, session_id: int) -> EnrollmentSessionSummary | None:
        cur = self._summary(session_id)
        later = [s for s in self._summaries if cur and (s.day, s.start) > (cur.day, cur.start) and s.state != "cancelled"]
        return later[0] if later else None

    def reschedule_no_shows(self) -> None:
        sid = self.session_id()
        nxt = self.next_session_after(sid) if sid else None
        if sid is None or nxt is None:
            QMessageBox.information(self, _("Hẹn lại"), _("Chưa có buổi nào sau buổi này: hãy tạo buổi mới trước."))
            return
        (self.app.runner.op(schedule_ops.reschedule_no_shows(sid, nxt.id, operator_id=self.app.operator_id), self)
         .success(lambda n: self._main_window().statusBar().showMessage(
             _("Đã hẹn lại {0} người vắng sang buổi {1}.").format(n, nxt.day.strftime("%d/%m/%Y")), 8000))
         .run())


def _kits_suffix(n: int) -> str:
    """The kits box's suffix: " máy"; in English " kit" after 1, " kits" otherwise."""
    return numbers.counted(f"{n}{_(' máy')}")[len(str(n)):]
