"""What every CLI command shares: the data dir, the lazily opened database, text or JSON output."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from desktop import paths
from desktop.errors import UsageError
from desktop.logs import setup_logging
from desktop.storage.db import Database, open_database

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INPUT = 2


DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_day(text: str | None, what: str = "ngày") -> dt.date:
    """'2025-07-15' or '15/07/2025' (the way dates are written in Vietnam); UsageError naming `what` otherwise."""
    raw = (text or "").strip()
    for fmt in DAY_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise UsageError(f"{what.capitalize()} '{raw}' không hợp lệ (dùng YYYY-MM-DD hoặc DD/MM/YYYY).",
                     en=f"The date '{raw}' is not valid (use YYYY-MM-DD or DD/MM/YYYY).")


class CliContext:
    def __init__(self, data_dir: str | None, json_mode: bool) -> None:
        paths.set_data_dir(data_dir)
        self.json_mode = json_mode
        self._db: Database | None = None
        setup_logging(paths.data_dir())

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(paths.db_path())
            self.announce_recovery_key()
            self._warn_unfinished_import()
            if self._db.encryption_unavailable:
                print(
                    "CẢNH BÁO: máy không có kho khóa bảo mật của hệ điều hành: cơ sở dữ liệu CHƯA được mã hoá.",
                    file=sys.stderr,
                )
        return self._db

    def _warn_unfinished_import(self) -> None:
        """A peer file import cut half-way: said at every start until the file is imported again."""
        from desktop.services.peer import unfinished

        assert self._db is not None
        try:
            with self._db.reader() as conn:
                found = unfinished.notices(conn)
        except Exception:  # noqa: BLE001 - a warning must never stop a command
            return
        for text in found:
            print(f"CẢNH BÁO: {text}", file=sys.stderr)

    def announce_recovery_key(self) -> None:
        """When this open created the encryption key, show the recovery key once (stderr, never logged)."""
        db = self._db
        rk = db.recovery_key if db is not None else None
        if db is not None and rk:
            print(
                "KHÓA KHÔI PHỤC cơ sở dữ liệu (người phụ trách ghi lại, cất xa máy; chỉ hiện một lần):\n    " + rk,
                file=sys.stderr,
            )
            db.recovery_key = None

    def output(self, data: Any, text: str | None = None) -> None:
        """Print JSON (with --json) or the human text."""
        if self.json_mode:
            print(json.dumps(data, ensure_ascii=False, default=str, indent=None))
        elif text is not None:
            print(text)

    def fail(self, message: str) -> None:
        self.fail_line(message, self.json_mode)

    @staticmethod
    def fail_line(message: str, json_mode: bool) -> None:
        line = " ".join(str(message).split())
        if json_mode:
            print(json.dumps({"error": line}, ensure_ascii=False))
        print(f"enrollpoint: {line}", file=sys.stderr)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
