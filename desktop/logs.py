"""Application logs: a rotating file in <data dir>/logs that never holds personal data or secrets.

Why: logs are sent to developers and copied around; Decree 13/2023 forbids leaking citizens' data and a
leaked hub token or key would undo encryption. Every record written by our handler passes `redact()`:
9–12 digit numbers (ID numbers, old CMND, phone numbers written without spaces), phone numbers written
with separators, Bearer tokens, `key=…`/`token: …` pairs, long hex or base64-like secrets, and SQLCipher
`x'…'` keys; also personal fields by name (`full_name=…`, `'address': '…'`, `ngày sinh: …`), calendar dates
without a time of day (dates of birth; log timestamps and event times keep their time and stay), house
numbers with a street or alley, names that start with a common Vietnamese family name (with or without
accents), SQLAlchemy's `[parameters: …]`, and the values an exception carries (`ValidationError.value`,
a statement's parameters). Over-redaction is accepted; counts and database ids (short numbers) stay
readable. `log_unexpected()` is the one place a bug (an exception nobody caught) is written, redacted.
"""

from __future__ import annotations

import copy
import logging
import logging.handlers
import os
import re
import traceback
import unicodedata
from collections.abc import Callable
from io import TextIOWrapper
from pathlib import Path
from types import TracebackType
from typing import cast

from desktop.paths import make_private

LOG_NAME = "enrollpoint.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer [ẩn]"),
    (re.compile(r"(?i)x'[0-9a-f]{16,}'"), "x'[ẩn]'"),
    (
        re.compile(
            r"(?i)\b(authorization|api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|password|"
            r"passwd|passphrase|pin|key|signature)(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
        ),
        r"\1\2[ẩn]",
    ),
    (re.compile(r"\b[0-9A-Fa-f]{32,}\b"), "[ẩn]"),
    # base64/url-safe tokens: long, mixing digits, lower and upper case (file names rarely do)
    (
        re.compile(
            r"(?<![\w/.-])(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*[A-Z])"
            r"[A-Za-z0-9+/_-]{20,}={0,2}"
        ),
        "[ẩn]",
    ),
    # phone numbers with separators: 0912 345 678, 091.234.5678, +84 912 345 678
    (re.compile(r"(?<![\d+])(?:\+?84|0)[ .-]?\d{2,3}(?:[ .-]?\d{2,4}){2,3}(?!\d)"), "[số ĐT]"),
    # ID numbers (12), old CMND (9), Excel-damaged IDs (11), phones (10): any 9–12 digit run
    (re.compile(r"(?<!\d)\d{9,12}(?!\d)"), "[số]"),
    # longer digit runs may hide a number too
    (re.compile(r"(?<!\d)\d{13,}(?!\d)"), "[số]"),
]

# Fields that hold a citizen's name, address or birth date, as `key=value`, `key: value` or a dict repr.
_PERSONAL_KEYS = (
    r"full_?name|name|họ và tên|họ tên|ho_?ten|hoten|tên|given_?name|family_?name|father|mother|guardian|"
    r"address|địa chỉ|dia_?chi|diachi|nơi ở|quê quán|que_?quan|"
    r"date_of_birth|birth_?date|dob|birthday|birth_?year|ngày sinh|ngay_?sinh|năm sinh|nam_?sinh|"
    r"phone|điện thoại|dien_?thoai|sđt|note|ghi chú"
)
_PERSONAL_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: [ẩn]]"),  # SQLAlchemy statement errors
    (
        re.compile(
            r"(?i)(?<![\w.])(['\"]?)(" + _PERSONAL_KEYS + r")\1(\s*[=:]\s*)"
            r"(\[ẩn\]|\"[^\"\n]*\"|'[^'\n]*'|«[^»\n]*»|[^\[,;|\n)}\]][^,;|\n)}\]]*)"
        ),
        r"\1\2\1\3[ẩn]",
    ),
    # dates of birth: d/m/y in any separator, and bare ISO dates (a date followed by a time is a timestamp)
    (re.compile(r"(?<![\d/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}(?![\d/.-])"), "[ngày]"),
    (re.compile(r"(?<![\d/.-])(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?![\d/.-]|[T ]\d{1,2}:\d{2})"), "[ngày]"),
    # a house number and a street / alley: "12 đường Trần Phú", "ngõ 5 Láng Hạ", "hẻm 34/2"
    (re.compile(r"(?i)\b\d+[a-z]?(?:/\d+[a-z]?)*,?\s+(?:đường|phố|ngõ|ngách|hẻm|kiệt)\s+[^\n,;)]+"), "[địa chỉ]"),
    (re.compile(r"(?i)\b(?:số nhà|ngõ|ngách|hẻm|kiệt)\s+\d+[^\n,;)]*"), "[địa chỉ]"),
]

# Citizens' names: a common family name (over 90 % of Vietnamese people carry one of these) followed by
# one to four capitalised words. With or without accents, so "Nguyen Van An" is caught too.
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trịnh|Đoàn|Lương|Mai|Cao|"
    "Tạ|Hà|Lâm|Chu|Vương|Thái|Tô|Quách|Kiều|Lò|Hứa|Triệu|Nông|Lục|Âu|Tăng|Văn|Khúc|Nghiêm|La|"
    "Nguyen|Tran|Pham|Hoang|Huynh|Vu|Vo|Dang|Bui|Duong|Ly|Dinh|Trinh|Doan|Luong|Lam|Vuong|Quach|Trieu"
)
_UPPER = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠ-Ỹ"
_NAME = re.compile(
    r"(?<![\w])(?:" + _SURNAMES + r")"
    r"(?:\s+[" + _UPPER + r"][\w]*){1,4}(?![\w])"
)


def redact(text: str) -> str:
    """The text with personal numbers and secrets replaced (idempotent)."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    for pattern, repl in _PERSONAL_PATTERNS:
        text = pattern.sub(repl, text)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return _NAME.sub(_name_or_place, text)


# Places that begin like a family name: kept (province and city names are not personal data).
_PLACES = ("Hà Nội", "Hà Giang", "Hà Tĩnh", "Hà Nam", "Hồ Chí Minh", "Cao Bằng", "Lâm Đồng", "Thái Bình",
           "Thái Nguyên", "Lý Sơn", "Hoàng Sa", "Trường Sa", "Cao Lãnh", "Lê Chân", "Hà Đông", "Hoàng Mai")


def _name_or_place(m: re.Match[str]) -> str:
    return m.group(0) if m.group(0) in _PLACES else "[tên]"


def _carried_values(exc: BaseException | None) -> list[str]:
    """Personal values an exception (and its causes) carries: ValidationError.value, statement params."""
    found: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for attr in ("value", "values", "params", "row"):
            v = getattr(exc, attr, None)
            items = v.values() if isinstance(v, dict) else v if isinstance(v, list | tuple) else [v]
            for item in items:
                if isinstance(item, list | tuple):
                    found += [str(x) for x in item if isinstance(x, str)]
                elif isinstance(item, str):
                    found.append(item)
        exc = exc.__cause__ or exc.__context__
    return sorted({v.strip() for v in found if len(v.strip()) >= 3}, key=len, reverse=True)


def redact_exception(text: str, exc: BaseException | None) -> str:
    """`redact()`, after removing the personal values the exception itself carries."""
    for value in _carried_values(exc):
        text = text.replace(value, "[ẩn]")
    return redact(text)


def redacted_traceback(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> str:
    """The traceback as text, redacted: what a bug dialog may show and the officer may copy."""
    text = "".join(traceback.format_exception(exc_type, exc, tb)) if exc_type is not None else ""
    return redact_exception(text, exc)


def log_unexpected(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> str:
    """Write an uncaught exception (a bug) to the rotating log, redacted; returns the redacted traceback.

    Signature of `sys.excepthook` / `threading.excepthook` arguments, so start-up can install it
    (`sys.excepthook = lambda *a: (log_unexpected(*a), show_dialog(...))`). Ctrl+C is not a bug: not logged.
    """
    if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
        return ""
    text = redacted_traceback(exc_type, exc, tb)
    name = exc_type.__name__ if exc_type is not None else "?"
    logging.getLogger("enrollpoint.unexpected").error("unexpected error (%s):\n%s", name, text.rstrip())
    for h in logging.getLogger().handlers:
        if h is _handler:
            h.flush()
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and arguments) redacted; attach it to any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:
            msg = str(record.msg)
        record.msg = redact(msg)
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Also redacts tracebacks and stack info (exception messages often quote the bad value)."""

    def format(self, record: logging.LogRecord) -> str:
        record = copy.copy(record)
        try:
            record.msg = redact(record.getMessage())
        except Exception:
            record.msg = redact(str(record.msg))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_exception(record.exc_text, record.exc_info[1] if record.exc_info else None)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return super().format(record)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are created 0600 (the current user's only), rotated files too."""

    def _open(self) -> TextIOWrapper:  # what RotatingFileHandler._open returns
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            make_private(Path(self.baseFilename))  # an existing file keeps its mode through os.open
            return cast(TextIOWrapper, os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors))
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        """A full or read-only disk loses the log line, silently: logging's default prints a traceback over
        the words the officer should read."""


_handler: logging.Handler | None = None


def setup_logging(data_dir: str | os.PathLike[str], level: int = logging.INFO) -> Path | None:
    """Send the app's logs to <data_dir>/logs/enrollpoint.log (1 MB × 5), redacted. Idempotent.

    A data folder that cannot hold the log (read-only, full, no permission) must not stop the officer's
    command: it then runs without a log file (None) and the command's own failure, if any, says why."""
    global _handler
    folder = Path(data_dir) / "logs"
    path = folder / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        if Path(getattr(_handler, "baseFilename", "")) == path:
            return path
        root.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        make_private(folder)
        handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _handler = handler
    logging.captureWarnings(True)
    return path


def shutdown_logging() -> None:
    """Detach and close our handler (tests, and before a restore swaps the data dir)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def install_excepthooks(on_error: Callable[[BaseException, str], None] | None = None) -> Callable[[], None]:
    """Log every uncaught exception (main thread: `sys.excepthook`, others: `threading.excepthook`) to the
    redacted log, then call `on_error(exc, traceback_text)` (the app shows its bug dialog). Ctrl+C keeps
    Python's default. Returns a function that puts the previous hooks back."""
    import sys
    import threading

    old_sys, old_thread = sys.excepthook, threading.excepthook
    crash_log = logging.getLogger("enrollpoint.crash")

    def report(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None,
               where: str) -> None:
        if exc is None:
            exc = exc_type()
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        crash_log.error("unexpected error (%s):\n%s", where, text)
        if on_error is not None:
            try:
                on_error(exc, text)
            except Exception:  # the report must never raise back into the hook
                crash_log.exception("could not show the error")

    def sys_hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            old_sys(exc_type, exc, tb)
            return
        report(exc_type, exc, tb, "main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        report(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    sys.excepthook, threading.excepthook = sys_hook, thread_hook

    def restore() -> None:
        sys.excepthook, threading.excepthook = old_sys, old_thread

    return restore
