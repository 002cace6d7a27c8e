"""Never two background senders for one database: `enrollpoint sync --watch` holds an exclusive lock on a file
beside the database for as long as it runs (an autostart at login plus one typed by hand, or two logins of
the same account). The OS drops the lock when the process ends, however it ends, so a crash leaves nothing
to clean up. Sending stays exactly once without it (the outbox and the hub see to that); the lock keeps two
loops from probing and sending over each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.errors import ServiceError

MSG_BUSY = ("Đã có một tiến trình tự gửi (enrollpoint sync --watch) đang chạy cho dữ liệu này; không chạy thêm "
            "tiến trình thứ hai.")
MSG_BUSY_EN = "A background sender (enrollpoint sync --watch) already runs for this data; not starting a second one."


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sender.lock")


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextmanager
def one_sender(db_path: Path) -> Iterator[None]:
    """Hold the database's sender lock for the block; ServiceError (exit 2 in the CLI) if another holds it."""
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _try_lock(fd):
            raise ServiceError(MSG_BUSY, en=MSG_BUSY_EN)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
