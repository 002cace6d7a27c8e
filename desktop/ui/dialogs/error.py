"""How a failure is shown: a known one as one Vietnamese message box, a bug as a dialog with the traceback
in a copyable box (to send to the developers); the app keeps running. Words: `support/errors.py`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.logs import redact_exception, redacted_traceback
from desktop.ui.support.errors import user_message
from desktop.ui.support.lang import translator

_ = translator("Errors")


class BugDialog(QDialog):
    """An unexpected error: what happened, and the traceback to copy for the developers."""

    def __init__(self, exc: BaseException, tb: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bugDialog")
        self.setWindowTitle(_("Lỗi không mong muốn"))
        self.resize(720, 420)
        lay = QVBoxLayout(self)
        head = QLabel(
            _("Đã xảy ra lỗi chương trình. Dữ liệu đã lưu không bị ảnh hưởng. Hãy sao chép nội dung dưới đây "
              "và gửi cho bộ phận kỹ thuật.")
        )
        head.setWordWrap(True)
        lay.addWidget(head)
        # Only the redacted text is offered for copying: a traceback can hold names and addresses.
        shown = redact_exception(tb, exc) if tb else redacted_traceback(type(exc), exc, exc.__traceback__)
        self.text = QPlainTextEdit(shown)
        self.text.setReadOnly(True)
        self.text.setObjectName("traceback")
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("&Sao chép"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def show_error(parent: QWidget | None, exc: BaseException, tb: str = "") -> None:
    msg = user_message(exc)
    if msg is not None:
        QMessageBox.warning(parent, _("Không thực hiện được"), msg)
        return
    dlg = BugDialog(exc, tb, parent)
    dlg.open() if parent is not None else dlg.exec()


def open_error(parent: QWidget | None, exc: BaseException, tb: str = "") -> QDialog:
    """Like `show_error`, but never blocks (no nested event loop): for the excepthook. Deleted on close."""
    msg = user_message(exc)
    if msg is not None:
        dlg: QDialog = QMessageBox(QMessageBox.Icon.Warning, _("Không thực hiện được"), msg,
                                   QMessageBox.StandardButton.Ok, parent)
    else:
        dlg = BugDialog(exc, tb, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg
