"""`ReportRecipientsDialog`: the daily report's "Kính gửi" and the other units on "Nơi nhận", one per line.

Shown pre-filled from the commune's settings (services.report_settings); an empty "Kính gửi" means the usual
addressees, which the dialog shows as the placeholder. Saving is a supervisor's setting (checked and audited
in the service, through ui/operations/settings.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QWidget

from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.services.figures.report_settings import ReportRecipients

_ = translator("ReportRecipientsDialog")


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class ReportRecipientsDialog(QDialog):
    def __init__(self, current: ReportRecipients, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nơi gửi báo cáo ngày"))
        self.setObjectName("reportRecipientsDialog")
        form = QFormLayout(self)
        form.addRow(QLabel(_("Mỗi nơi một dòng. Để trống “Kính gửi” để dùng nơi gửi mặc định.")))
        self.to = QPlainTextEdit(self)
        self.to.setObjectName("reportTo")
        self.to.setPlainText("\n".join(current.to))
        self.to.setPlaceholderText("\n".join(current.default_to))
        form.addRow(_("&Kính gửi:"), self.to)
        self.cc = QPlainTextEdit(self)
        self.cc.setObjectName("reportCc")
        self.cc.setPlainText("\n".join(current.cc))
        form.addRow(_("&Nơi nhận khác:"), self.cc)
        form.addRow(QLabel(_("“Như trên” và “Lưu: VT” luôn được ghi ở Nơi nhận.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> tuple[list[str], list[str]]:
        return _lines(self.to), _lines(self.cc)
