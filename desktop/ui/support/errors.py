"""Turning exceptions into words an officer can act on: `user_message(exc)`, or None for a bug.

Known failures (service errors, a locked or full disk, a missing permission) get one clear Vietnamese
message; the dialogs that show them (a message box, or the bug dialog with the traceback) are in
`desktop/ui/dialogs/error.py`.
"""

from __future__ import annotations

from desktop.errors import UserError
from desktop.storage.failures import Failure, classify, error_chain
from desktop.ui.support.lang import translator

_ = translator("Errors")


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


def _describe(kind: Failure, e: BaseException) -> str:
    """Words for a failure the storage layer recognised (the UI's translation of `Failure`)."""
    if kind is Failure.BUSY:
        return _busy()
    if kind is Failure.DISK_FULL:
        return _full()
    if kind is Failure.NOT_A_DATABASE:
        return _not_a_database()
    if kind is Failure.READ_ONLY:
        return _read_only()
    filename = getattr(e, "filename", None)
    if kind is Failure.NO_PERMISSION:
        if filename:
            return _("Không có quyền truy cập tệp: {0}. Hãy chọn thư mục khác hoặc hỏi quản trị máy.").format(
                filename)
        return _("Không có quyền truy cập tệp hoặc thư mục. Hãy chọn thư mục khác hoặc hỏi quản trị máy.")
    if kind is Failure.CANNOT_OPEN:
        return _(
            "Không mở được tệp cơ sở dữ liệu (thiếu quyền hoặc thư mục dữ liệu không còn). "
            "Hãy kiểm tra thư mục dữ liệu hoặc hỏi quản trị máy."
        )
    return _("Không tìm thấy tệp: {0}").format(filename or "")


def user_message(exc: BaseException) -> str | None:
    """The message for a known failure, or None when it is a bug.

    Works for both drivers (sqlite3 for plain files, sqlcipher3 for the encrypted default) and through
    SQLAlchemy's DBAPIError wrappers (their `.orig` is the driver's error).
    """
    for e in error_chain(exc):
        if isinstance(e, UserError):
            return e.message
    known = classify(exc)
    return _describe(*known) if known else None
