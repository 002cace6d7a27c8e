"""Application logs: a rotating file in <data dir>/logs that never holds personal data or secrets.

Why: logs are sent to developers and copied around; Decree 13/2023 forbids leaking citizens' data and a
leaked hub token or key would undo encryption. Every record written by our handler passes `redact()`:
9–12 digit numbers (ID numbers, old CMND, phone numbers written without spaces), phone numbers written
with separators, Bearer tokens, `key=…`/`token: …` pairs, long hex or base64-like secrets, and SQLCipher
`x'…'` keys. Over-redaction is accepted; counts and database ids (short numbers) stay readable.
"""

from __future__ import annotations

import copy
import logging
import logging.handlers
import os
import re
from pathlib import Path

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


def redact(text: str) -> str:
    """The text with personal numbers and secrets replaced (idempotent)."""
    if not text:
        return text
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
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
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return super().format(record)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are created 0600 (the current user's only), rotated files too."""

    def _open(self):  # type: ignore[no-untyped-def]
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.chmod(self.baseFilename, 0o600)
            return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)
        return super()._open()


_handler: logging.Handler | None = None


def setup_logging(data_dir: str | os.PathLike[str], level: int = logging.INFO) -> Path:
    """Send the app's logs to <data_dir>/logs/enrollpoint.log (1 MB × 5), redacted. Idempotent."""
    global _handler
    folder = Path(data_dir) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    path = folder / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        if Path(getattr(_handler, "baseFilename", "")) == path:
            return path
        root.removeHandler(_handler)
        _handler.close()
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
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
