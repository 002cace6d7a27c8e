"""Words for the failures `failures.classify` recognises, for the CLI and the UI alike (no Qt here).

A disk that refuses a write is told apart from a wrong key or a damaged file: SQLite reports a full disk
under an encrypted database as "disk I/O error" (its -shm file cannot grow), so an I/O error on a disk with
almost no free space is said to be a full disk, never "enter the recovery key".
"""

from __future__ import annotations

import shutil
from pathlib import Path

from desktop.errors import DatabaseError, UserError
from desktop.messages import Message
from desktop.storage.failures import Failure, classify, error_chain

LOW_SPACE_BYTES = 8 * 1024 * 1024  # below this, a disk I/O error is a full disk

BUSY = Message(
    "db.busy",
    "Cơ sở dữ liệu đang bận (một chương trình khác đang ghi). Hãy đợi vài giây rồi thử lại; "
    "nếu vẫn lỗi, đóng các cửa sổ EnrollPoint khác.",
    "The database is busy (another program is writing to it). Wait a few seconds and try again; if it "
    "persists, close the other EnrollPoint windows.",
)
DISK_FULL = Message(
    "disk.full",
    "Ổ đĩa đã đầy: không ghi được dữ liệu{where}. Hãy xoá bớt tệp hoặc cắm ổ khác rồi thử lại.",
    "The disk is full: nothing could be written{where}. Delete some files or use another disk, then try again.",
)
NOT_A_DATABASE = Message(
    "db.not_a_database",
    "Không đọc được cơ sở dữ liệu: tệp bị hỏng hoặc không mở được bằng khóa mã hoá của máy này. "
    "Hãy đóng EnrollPoint rồi khôi phục từ bản sao lưu, hoặc mở khóa bằng khóa khôi phục "
    "(enrollpoint recovery-key --unlock).",
    "The database cannot be read: the file is damaged or cannot be opened with this computer's encryption "
    "key. Close EnrollPoint and restore a backup, or unlock it with the recovery key "
    "(enrollpoint recovery-key --unlock).",
)
READ_ONLY = Message(
    "db.read_only",
    "Không có quyền ghi vào cơ sở dữ liệu (tệp hoặc thư mục dữ liệu chỉ đọc){where}. "
    "Hãy kiểm tra quyền của thư mục dữ liệu hoặc hỏi quản trị máy.",
    "The database cannot be written (the file or the data folder is read-only){where}. Check the data "
    "folder's permissions or ask the computer's administrator.",
)
NO_PERMISSION = Message(
    "file.no_permission",
    "Không có quyền truy cập tệp{where}. Hãy chọn thư mục khác hoặc hỏi quản trị máy.",
    "No permission to use the file{where}. Choose another folder or ask the computer's administrator.",
)
NO_PERMISSION_ANY = Message(
    "file.no_permission_any",
    "Không có quyền truy cập tệp hoặc thư mục. Hãy chọn thư mục khác hoặc hỏi quản trị máy.",
    "No permission to use the file or folder. Choose another folder or ask the computer's administrator.",
)
CANNOT_OPEN = Message(
    "db.cannot_open",
    "Không mở được tệp cơ sở dữ liệu (thiếu quyền hoặc thư mục dữ liệu không còn). "
    "Hãy kiểm tra thư mục dữ liệu hoặc hỏi quản trị máy.",
    "The database file cannot be opened (no permission, or the data folder is gone). Check the data folder "
    "or ask the computer's administrator.",
)
FILE_MISSING = Message("file.missing", "Không tìm thấy tệp{where}.", "File not found{where}.")
IO_ERROR = Message(
    "disk.io_error",
    "Ổ đĩa báo lỗi đọc/ghi{where}: ổ có thể đã hỏng hoặc bị rút ra. Hãy kiểm tra ổ đĩa rồi thử lại.",
    "The disk reported a read/write error{where}: it may be failing or was removed. Check the disk and try again.",
)

_WORDS = {
    Failure.BUSY: BUSY, Failure.DISK_FULL: DISK_FULL, Failure.NOT_A_DATABASE: NOT_A_DATABASE,
    Failure.READ_ONLY: READ_ONLY, Failure.NO_PERMISSION: NO_PERMISSION, Failure.CANNOT_OPEN: CANNOT_OPEN,
    Failure.FILE_MISSING: FILE_MISSING, Failure.IO_ERROR: IO_ERROR,
}


def _nearly_full(where: Path | None) -> bool:
    probe = where
    while probe is not None and not probe.exists():
        probe = probe.parent if probe.parent != probe else None
    try:
        return probe is not None and shutil.disk_usage(probe).free < LOW_SPACE_BYTES
    except OSError:
        return False


def describe(kind: Failure, e: BaseException, lang: str = "vi", data_dir: Path | None = None) -> str:
    """Words for one recognised failure; `data_dir` lets an I/O error on a nearly full disk say so."""
    err = _as_error(kind, e, data_dir)
    return err.words(lang)


def user_message(exc: BaseException, lang: str = "vi", data_dir: Path | None = None) -> str | None:
    """The words for an expected failure (a `UserError` anywhere in the chain, or a classified storage
    failure), or None when it is a bug."""
    for e in error_chain(exc):
        if isinstance(e, UserError):
            return e.words(lang)
    known = classify(exc)
    return describe(*known, lang=lang, data_dir=data_dir) if known else None


def as_user_error(exc: BaseException, data_dir: Path | None = None) -> UserError | None:
    """A classified storage failure as a `DatabaseError` carrying its words in both languages (or None)."""
    known = classify(exc)
    return _as_error(*known, data_dir) if known else None


def describe_as_error(known: tuple[Failure, BaseException], data_dir: Path | None = None) -> DatabaseError:
    """`classify`'s answer as a `DatabaseError` with its words in both languages."""
    return _as_error(*known, data_dir)


def _as_error(kind: Failure, e: BaseException, data_dir: Path | None) -> DatabaseError:
    filename = getattr(e, "filename", None)
    if kind is Failure.IO_ERROR and _nearly_full(Path(filename) if filename else data_dir):
        kind = Failure.DISK_FULL
    params = {"where": f": {filename}" if filename and kind is not Failure.BUSY else ""}
    msg = NO_PERMISSION_ANY if kind is Failure.NO_PERMISSION and not filename else _WORDS[kind]
    return DatabaseError(msg.text("vi", **params), msg=msg, params=params)
