"""The queue's side panel: one citizen's details, status history, and the allowed next events as buttons.

It only displays what it is given (`show_citizen`) and says which button was pressed (`action`); the queue
view reads the data and runs the operation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.register import statuses
from desktop.ui.support import labels, lang
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit

if TYPE_CHECKING:
    from desktop.models import StatusEvent
    from desktop.services.register.rows import CitizenRow

_ = translator("QueueView")


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
            ("card", _("Thẻ căn cước")), ("renewal", _("Hạn cấp đổi thẻ")), ("vneid", _("VNeID")),
            ("flags", _("Ghi chú")),
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

    def show_citizen(self, row: CitizenRow, events: list[StatusEvent], point_names: dict[int, str],
                     allowed: list[str]) -> None:
        self.citizen_id = row.id
        self.actions_box.setEnabled(True)
        self.title.setText(row.full_name)
        if isinstance(row.birth_date, dt.date):
            birth = row.birth_date.strftime("%d/%m/%Y")
        else:  # ages are then counted from 31 December (services.due): say so
            birth = _("{0} (chỉ có năm sinh)").format(row.birth_year) if row.birth_year else ""
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
            "renewal": _renewal_text(row, events),
            "vneid": statuses.vneid_step(row.vneid_stage, lang.current()),  # in words, never "mức 2/3"
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

    def _act(self, event_type: str) -> None:
        if self.citizen_id is not None:
            emit(self.action, self.citizen_id, event_type)

    def _set_actions(self, events: list[str]) -> None:
        while self.actions_grid.count():
            item = self.actions_grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w:
                w.deleteLater()
        self.buttons = {}
        for i, ev in enumerate(events):
            b = QPushButton(labels.event_action(ev))
            b.setObjectName(f"act_{ev}")
            b.setToolTip(labels.event_action(ev))
            b.clicked.connect(lambda _c=False, ev=ev: self._act(ev))
            self.actions_grid.addWidget(b, i, 0)  # one a row: the panel is narrow, the words are long
            self.buttons[ev] = b
        if not events:
            none = QLabel(_("Không có bước nào"))
            self.actions_grid.addWidget(none, 0, 0)


def _renewal_text(row: CitizenRow, events: list[StatusEvent]) -> str:
    """When the card must be renewed (services.due, as `enrollpoint status`): from the card's issue date or its
    latest capture/delivery event; a birth year alone counts from 31 December of the renewal year."""
    from desktop.services.due import rules as due

    if not getattr(row, "has_card", False):
        return ""
    days = [ev.occurred_on for ev in events if ev.event_type in due.RENEWAL_EVENTS and ev.occurred_on]
    basis = due.card_basis(getattr(row, "card_issued_on", None), max(days) if days else None)
    if basis is None:
        return _("Chưa rõ ngày cấp thẻ")
    born, year = getattr(row, "birth_date", None), getattr(row, "birth_year", None)
    if due.birth_of(born, year) is None:
        return _("Chưa rõ (không có ngày sinh)")
    renew = due.expiry_for(born, year, basis)
    if renew is None:
        return _("Không phải cấp đổi nữa (thẻ cấp ngày {0})").format(basis.strftime("%d/%m/%Y"))
    return _("{0} (thẻ cấp ngày {1})").format(renew.strftime("%d/%m/%Y"), basis.strftime("%d/%m/%Y"))
