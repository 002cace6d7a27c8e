"""Writing a backup copy that can be trusted: a temporary name, a check, then an atomic rename.

Why: a copy that failed half-way (a full disk, a full USB stick, a stick pulled out) used to stay under its
final name (0 bytes, or a partial file and a `-journal` beside it), and the daily copy then counted it as
"today's backup". The restore story starts from a backup, so a file under a backup's final name must be
one that opens and is whole:

1. the copy is written as `.<final name>.partial-<pid>` in the target folder (SQLite's online backup API,
   consistent while the app writes; the same key for an encrypted database);
2. it is verified: it opens with the key, `PRAGMA integrity_check` says ok, and every table has the row
   count the source had in the very snapshot that was copied;
3. it is fsync'ed, renamed to its final name with `os.replace` (atomic in one folder), and the folder is
   fsync'ed, so after a power cut the final name holds either nothing or the whole verified copy.

Anything that fails removes the temporary file (and any `-journal`, `-wal`, `-shm` of it) and raises
`BackupFailed` with words for the officer: a full disk names the folder and the room needed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.errors import ServiceError
from desktop.storage.connect import connect_keyed, connect_plain, create_private_file, engine_key

if TYPE_CHECKING:
    from sqlalchemy import Engine

PARTIAL = ".partial-"
SIDE_FILES = ("", "-journal", "-wal", "-shm")
STALE_PARTIAL_S = 3600  # a temporary copy older than this is a leftover of a crash or a pulled stick
SQLITE_FULL = 13


class BackupFailed(ServiceError):
    """No backup was made (nothing is left under the final name); `message` says why, in Vietnamese."""


def partial_name(target: Path) -> Path:
    """The temporary name of a copy being written: hidden, and never matched as a backup (`*.db`)."""
    return target.with_name(f".{target.name}{PARTIAL}{os.getpid()}")


def is_partial(p: Path) -> bool:
    """One of our temporary copies (or its -journal): `.<stem>-<stamp>-<kind>.db.partial-<pid>[-journal]`."""
    return p.name.startswith(".") and f".db{PARTIAL}" in p.name


def remove_with_side_files(p: Path) -> None:
    for suffix in SIDE_FILES:
        with contextlib.suppress(OSError):
            Path(str(p) + suffix).unlink()


def remove_stale_partials(folder: Path, older_than_s: float = STALE_PARTIAL_S) -> list[Path]:
    """Temporary copies left by a crash or a pulled stick (a running copy is younger): removed."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for f in folder.iterdir():
        if not is_partial(f):
            continue
        with contextlib.suppress(OSError):
            if now - f.stat().st_mtime > older_than_s:
                f.unlink()
                removed.append(f)
    return removed


def _tables(conn: Any) -> list[str]:
    """Every ordinary table (the FTS index's own tables included; virtual tables are counted through them)."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def row_counts(conn: Any) -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in _tables(conn)}


def _open(path: Path, key: bytes | None) -> Any:
    return connect_keyed(str(path), key) if key is not None else connect_plain(str(path))


def verify_copy(path: Path, key: bytes | None, expected: dict[str, int]) -> None:
    """Raise BackupFailed unless `path` opens with `key`, is whole, and holds exactly `expected` rows."""
    try:
        conn = _open(path, key)
    except Exception as exc:
        raise BackupFailed(f"Bản sao vừa ghi không mở được bằng khóa của cơ sở dữ liệu ({exc}).",
                           en=f"The copy just written cannot be opened with the database's key ({exc}).") from exc
    try:
        checks = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if checks != ["ok"]:
            raise BackupFailed(f"Bản sao vừa ghi bị hỏng (kiểm tra toàn vẹn: {checks[0]}).",
                               en=f"The copy just written is damaged (integrity check: {checks[0]}).")
        got = row_counts(conn)
    finally:
        conn.close()
    if got != expected:
        diff = sorted(t for t in set(got) | set(expected) if got.get(t) != expected.get(t))
        raise BackupFailed(f"Bản sao vừa ghi thiếu dữ liệu (số dòng khác bản gốc ở bảng {', '.join(diff)}).",
                           en="The copy just written is missing data (row counts differ from the original "
                              f"in table {', '.join(diff)}).")


def _fsync_file(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to flush)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from the OS, or SQLite's SQLITE_FULL ("database or disk is full") from sqlite3/sqlcipher3."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if getattr(seen, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _size_mb(engine: Engine) -> float:
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        raw.close()
    return pages * size / 1_000_000


def failure_words(exc: BaseException, folder: Path, engine: Engine | None = None) -> str:
    """What the officer reads when a copy failed: the folder, and for a full disk the room needed."""
    if isinstance(exc, BackupFailed):
        return f"Sao lưu vào {folder} không thành công: {exc.message} Không có bản sao nào được giữ lại."
    if is_disk_full(exc):
        need = ""
        if engine is not None:
            with contextlib.suppress(Exception):
                need = f" (cần khoảng {max(_size_mb(engine), 0.1):.1f} MB)"
        return (f"Không đủ chỗ trống trong thư mục {folder} để sao lưu{need}. Không có bản sao nào được giữ lại: "
                "hãy giải phóng chỗ trống hoặc chọn USB/thư mục khác rồi sao lưu lại.")
    return f"Sao lưu vào {folder} không thành công ({exc}). Không có bản sao nào được giữ lại."


def failure_words_en(exc: BaseException, folder: Path, engine: Engine | None = None) -> str:
    """`failure_words` in English, for the UI's English mode."""
    if isinstance(exc, BackupFailed):
        return f"The backup to {folder} failed: {exc.words('en')} No copy was kept."
    if is_disk_full(exc):
        need = ""
        if engine is not None:
            with contextlib.suppress(Exception):
                need = f" (about {max(_size_mb(engine), 0.1):.1f} MB needed)"
        return (f"Not enough free space in the folder {folder} for the backup{need}. No copy was kept: free some "
                "space or choose another USB drive or folder, then back up again.")
    return f"The backup to {folder} failed ({exc}). No copy was kept."


def write_verified_copy(engine: Engine, target: Path) -> Path:
    """Copy the database of `engine` to `target` through a temporary, verified file; BackupFailed otherwise."""
    folder = target.parent
    tmp = partial_name(target)
    try:
        if not folder.exists():
            folder.mkdir(parents=True)
            paths.make_private(folder)  # a folder we create for copies is private
        remove_stale_partials(folder)
        remove_with_side_files(tmp)
        key = engine_key(engine)
        create_private_file(tmp)
        expected = _copy(engine, tmp, key)
        verify_copy(tmp, key, expected)
        _fsync_file(tmp)
        paths.make_private(tmp)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except BaseException as exc:
        remove_with_side_files(tmp)
        if isinstance(exc, Exception):
            raise BackupFailed(failure_words(exc, folder, engine),
                               en=failure_words_en(exc, folder, engine)) from exc
        raise
    return target


def _copy(engine: Engine, tmp: Path, key: bytes | None) -> dict[str, int]:
    """The online copy, and the source's row counts read in the same snapshot the copy was taken from."""
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        assert src is not None  # a fresh pooled connection always has its DB-API connection
        dst = _open(tmp, key)
        try:
            src.execute("BEGIN")  # one read snapshot for the counts and the copy (WAL: blocks no writer)
            try:
                expected = row_counts(src)
                src.backup(dst)
            finally:
                if src.in_transaction:
                    src.execute("ROLLBACK")
        finally:
            dst.close()
    finally:
        raw.close()
    return expected
