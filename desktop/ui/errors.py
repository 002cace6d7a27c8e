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


# SQLite's primary result codes (the same in sqlite3 and sqlcipher3: both report `sqlite_errorcode`).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = (
    5, 6, 8, 11, 13, 14, 26)


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The error base classes of both drivers: plain sqlite3 and SQLCipher (the default database)."""
    classes: list[type[BaseException]] = [sqlite3.Error]
    try:
        import sqlcipher3.dbapi2

        classes.append(sqlcipher3.dbapi2.Error)
    except ImportError:  # pragma: no cover - sqlcipher3 is a dependency; plain databases still work
        pass
    return tuple(classes)


def _chain(exc: BaseException):
    """The exception, what it wraps (SQLAlchemy's `.orig`) and its causes, each once."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [getattr(e, "orig", None), e.__cause__, e.__context__]


def _sqlite_code(e: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (extended codes folded), or None."""
    code = getattr(e, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _busy() -> str:
    return _(
        "Cơ sở dữ liệu đang bận (một chương trình khác đang ghi). Hãy đợi vài giây rồi thử lại; "
        "nếu vẫn lỗi, đóng các cửa sổ EnrollPoint khác."
    )


def _full() -> str:
    return _("Ổ đĩa đã đầy: không ghi được dữ liệu. Hãy xoá bớt tệp hoặc cắm ổ khác rồi thử lại.")


def _not_a_database() -> str:
    return _(
        "Không đọc được cơ sở dữ liệu: tệp bị hỏng hoặc không mở được bằng khóa mã hoá của máy này. "
        "Hãy đóng EnrollPoint rồi khôi phục từ bản sao lưu, hoặc mở khóa bằng khóa khôi phục "
        "(enrollpoint recovery-key --unlock)."
    )


def _read_only() -> str:
    return _(
        "Không có quyền ghi vào cơ sở dữ liệu (tệp hoặc thư mục dữ liệu chỉ đọc). "
        "Hãy kiểm tra quyền của thư mục dữ liệu hoặc hỏi quản trị máy."
    )


def _classify(e: BaseException, driver_errors: tuple[type[BaseException], ...]) -> str | None:
    text = str(e).lower()
    is_driver = isinstance(e, driver_errors)
    code = _sqlite_code(e) if is_driver else None
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text or "database is busy" in text:
        return _busy()
    if isinstance(e, OSError) and e.errno == errno.ENOSPC:
        return _full()
    if code == SQLITE_FULL or (is_driver and "disk is full" in text):
        return _full()
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT) or (
            is_driver and ("file is not a database" in text or "disk image is malformed" in text)):
        return _not_a_database()
    if code == SQLITE_READONLY or (is_driver and "readonly database" in text):
        return _read_only()
    if isinstance(e, PermissionError):
        if e.filename:
            return _("Không có quyền truy cập tệp: {0}. Hãy chọn thư mục khác hoặc hỏi quản trị máy.").format(
                e.filename)
        return _("Không có quyền truy cập tệp hoặc thư mục. Hãy chọn thư mục khác hoặc hỏi quản trị máy.")
    if code == SQLITE_CANTOPEN or (is_driver and "unable to open database file" in text):
        return _(
            "Không mở được tệp cơ sở dữ liệu (thiếu quyền hoặc thư mục dữ liệu không còn). "
            "Hãy kiểm tra thư mục dữ liệu hoặc hỏi quản trị máy."
        )
    if isinstance(e, FileNotFoundError):
        return _("Không tìm thấy tệp: {0}").format(e.filename or "")
    return None


def user_message(exc: BaseException) -> str | None:
    """The message for a known failure, or None when it is a bug.

    Works for both drivers (sqlite3 for plain files, sqlcipher3 for the encrypted default) and through
    SQLAlchemy's DBAPIError wrappers (their `.orig` is the driver's error).
    """
    for e in _chain(exc):
        if isinstance(e, ServiceError | DatabaseError):
            return e.message
    driver_errors = _driver_errors()
    for e in _chain(exc):
        msg = _classify(e, driver_errors)
        if msg is not None:
            return msg
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
