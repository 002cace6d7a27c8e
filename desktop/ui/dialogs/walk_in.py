"""The walk-in form: a person who turns up without an appointment, validated like an import row.

Errors come from `register.validate_citizen` (Vietnamese, per field) and are shown next to the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.support import fit
from desktop.ui.support.completer import FoldingCompleter
from desktop.ui.support.lang import translator

_ = translator("WalkIn")

FIELDS = ("full_name", "id_number", "birth_date", "sex", "village", "phone")


class WalkInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, villages: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("walkInDialog")
        self.setWindowTitle(_("Người đến trực tiếp"))
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.inputs: dict[str, QComboBox | QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        labels = {
            "full_name": _("&Họ và tên:"), "id_number": _("&Số định danh:"), "birth_date": _("&Ngày sinh:"),
            "sex": _("&Giới tính:"), "village": _("&Thôn/Tổ:"), "phone": _("Điện thoạ&i:"),
        }
        for key in FIELDS:
            w: QComboBox | QLineEdit
            if key == "sex":
                w = QComboBox()
                w.addItem(_("Nam"), "M")
                w.addItem(_("Nữ"), "F")
            elif key == "village":
                w = QComboBox()
                w.setEditable(True)
                w.addItems(villages or [])
                w.setCurrentText("")
                w.setCompleter(FoldingCompleter(villages or [], w))  # "vo c" → "Thôn Võ Cạnh"
            else:
                w = QLineEdit()
            w.setObjectName(f"walkin_{key}")
            if key == "birth_date":
                w.setPlaceholderText(_("dd/mm/yyyy hoặc năm sinh"))
            if key == "id_number":
                w.setPlaceholderText(_("12 chữ số (nếu có)"))
            err = QLabel("")
            err.setObjectName(f"error_{key}")
            err.setStyleSheet("color: #b00020;")
            err.setWordWrap(True)
            err.hide()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(w)
            box.addWidget(err)
            lbl = QLabel(labels[key])
            lbl.setBuddy(w)
            form.addRow(lbl, box)
            self.inputs[key] = w
            self.errors[key] = err
            changed = w.editTextChanged if isinstance(w, QComboBox) else w.textEdited
            changed.connect(lambda _t="", k=key: self._clear_error(k))
        lay.addLayout(form)
        self.general_error = QLabel("")
        self.general_error.setStyleSheet("color: #b00020;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        lay.addWidget(self.general_error)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.button(QDialogButtonBox.StandardButton.Ok).setText(_("Thêm &và ghi đã đến"))
        bb.accepted.connect(self._try_accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.buttons = bb

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.inputs.items():
            if key == "sex" and isinstance(w, QComboBox):
                out[key] = w.currentData()
            elif isinstance(w, QComboBox):
                out[key] = w.currentText().strip()
            else:
                out[key] = w.text().strip()
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        """Field → Vietnamese reason; a reason for an unknown field goes under the form."""
        general = []
        for key, label in self.errors.items():
            label.setVisible(key in errors)
            label.setText(errors.get(key, ""))
        for key, reason in errors.items():
            if key not in self.errors:
                general.append(reason)
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        fit.refit(self)  # grown for the words, shrunk again once they clear: no overlap, no leftover gap
        first = next((k for k in FIELDS if k in errors), None)
        if first:
            self.inputs[first].setFocus()

    def _clear_error(self, key: str) -> None:
        """The officer is fixing this field: its old reason goes, and so does the room it took."""
        label = self.errors[key]
        if label.isVisible():
            label.hide()
            label.setText("")
            fit.refit(self)

    def validate(self) -> dict[str, str]:
        """Field → first error reason, by the import's own row validator."""
        from desktop.services.register import citizens as register

        _record, issues = register.validate_citizen(self.values())
        out: dict[str, str] = {}
        for issue in issues:
            if issue.is_error:
                out.setdefault(issue.field or "_", issue.reason)
        return out

    def _try_accept(self) -> None:
        errors = self.validate()
        self.show_errors(errors)
        if not errors:
            self.accept()

