"""Turning exceptions into something an officer can act on.

Known failures (service errors, a locked or full disk, a missing permission) become one clear Vietnamese
message box. Anything else is a bug: a dialog shows the traceback in a copyable box so it can be sent
to the developers, and the app keeps running.
"""

from __future__ import annotations

import errno
import sqlite3
import traceback

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

from desktop.db import DatabaseError
from desktop.services.errors import ServiceError
from desktop.ui.lang import translator

_ = translator("Errors")


def _chain(exc: BaseException):
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [getattr(e, "orig", None), e.__cause__, e.__context__]


def user_message(exc: BaseException) -> str | None:
    """The message for a known failure, or None when it is a bug."""
    for e in _chain(exc):
        if isinstance(e, ServiceError | DatabaseError):
            return e.message
    for e in _chain(exc):
        text = str(e).lower()
        if "database is locked" in text or "database is busy" in text:
            return _(
                "Cơ sở dữ liệu đang bận (một chương trình khác đang ghi). Hãy đợi vài giây rồi thử lại; "
                "nếu vẫn lỗi, đóng các cửa sổ EnrollPoint khác."
            )
        if isinstance(e, sqlite3.DatabaseError) and "disk" in text and "full" in text:
            return _("Ổ đĩa đã đầy: không ghi được dữ liệu. Hãy xoá bớt tệp hoặc cắm ổ khác rồi thử lại.")
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return _("Ổ đĩa đã đầy: không ghi được dữ liệu. Hãy xoá bớt tệp hoặc cắm ổ khác rồi thử lại.")
        if isinstance(e, PermissionError):
            return _("Không có quyền truy cập tệp: {0}. Hãy chọn thư mục khác hoặc hỏi quản trị máy.").format(
                e.filename or ""
            )
        if isinstance(e, FileNotFoundError):
            return _("Không tìm thấy tệp: {0}").format(e.filename or "")
    return None


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
        self.text = QPlainTextEdit(tb or "".join(traceback.format_exception(exc)))
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
