"""Backups and restore of the commune database.

Why: the laptop is the only copy of the commune's register between syncs (and sync carries counts only),
so a daily copy and a copy before every migration are the way back from a broken disk or a bad import.

- Copies use SQLite's online backup API (`desktop.storage.db.backup_to`): consistent while the app writes, and an
  encrypted database gives an encrypted copy (same key). Name: `<stem>-YYYYmmdd-HHMMSS-<kind>.db` in
  `<db folder>/backups`, the folder `open_database()` also uses for pre-migration copies.
- Every copy is written under a temporary name, verified and renamed (`desktop.storage.safe_copy`): a file
  under a backup's final name is whole; a failed copy leaves nothing and raises `BackupFailed` with words.
- `backup_if_due(db)` makes at most one automatic copy per calendar day, counting only a copy of today that
  opens with the key and passes a quick check (a 0-byte or partial file left by an older version does not
  count); `prune()` keeps the newest 14.
- `restore()` checks a copy completely *before* touching the current database (integrity check, a real
  EnrollPoint schema, a revision this version knows), keeps the current file aside as
  `enrollpoint.db.before-restore-<stamp>`, swaps the copy in, then migrates it if it is older.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import ServiceError
from desktop.paths import make_private
from desktop.storage import keys, migrations
from desktop.storage.connect import connect_keyed
from desktop.storage.db import (
    Database,
    backup_name,
    backup_to,
    current_revision,
    default_backup_dir,
    open_database,
)
from desktop.storage.safe_copy import (
    BackupFailed as BackupFailed,  # a copy not written: callers catch it here
)
from desktop.storage.safe_copy import remove_with_side_files

log = logging.getLogger(__name__)

KEEP = 14
_STAMP = re.compile(r"-(\d{8}-\d{6})-([\w.-]+)\.db$")
# Tables every EnrollPoint database has had since the first revision.
REQUIRED_TABLES = frozenset({"alembic_version", "citizens", "status_events", "operators", "audit_log", "settings"})


class RestoreRefused(ServiceError):
    """The backup cannot be used; nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: dt.datetime
    kind: str
    size: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    revision_of_backup: str
    revision_now: str
    migrated: bool
    previous_kept_as: Path | None
    citizens: int


def backup_dir(db: Database | Path) -> Path:
    p = db.path if isinstance(db, Database) else Path(db)
    return default_backup_dir(p)


def list_backups(folder: Path, stem: str | None = None) -> list[BackupFile]:
    """Backups in a folder, newest first (by the time in the name)."""
    out: list[BackupFile] = []
    if not folder.is_dir():
        return out
    for f in folder.glob("*.db"):
        m = _STAMP.search(f.name)
        if not m or (stem is not None and not f.name.startswith(stem + "-")):
            continue
        try:
            when = dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        out.append(BackupFile(f, when, m.group(2), f.stat().st_size))
    out.sort(key=lambda b: (b.taken_at, b.path.stat().st_mtime, b.path.name), reverse=True)
    return out


def backup_now(db: Database, to_dir: Path | None = None, kind: str = "manual") -> Path:
    """One consistent copy now; returns its path. Copies in the default folder are pruned to 14."""
    folder = Path(to_dir) if to_dir else backup_dir(db)
    when = dt.datetime.now()
    target = folder / backup_name(db.path, kind, when)
    n = 1
    while target.exists():  # two copies within one second
        n += 1
        target = folder / backup_name(db.path, f"{kind}{n}", when)
    backup_to(db.engine, target)
    log.info("backup written: %s (%d bytes)", target.name, target.stat().st_size)
    if to_dir is None:
        prune(folder, stem=db.path.stem)
    return target


MSG_PLAIN_COPY = (
    "CẢNH BÁO: bản sao lưu này KHÔNG được mã hoá (máy không có kho khóa bảo mật của hệ điều hành, cơ sở dữ "
    "liệu đang để trần): ai cầm USB/thư mục này đều đọc được toàn bộ danh sách công dân. Giữ USB bên người, "
    "không cho mượn, xoá bản sao khi không còn cần."
)


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    encrypted: bool
    warning: str | None  # Vietnamese, for the officer: set for a plain copy written outside the data folder


def make_backup(db: Database, to_dir: Path | None = None, kind: str = "manual") -> BackupResult:
    """`backup_now()`, plus what the officer must be told: a plain copy on a USB stick is readable by anyone."""
    target = backup_now(db, to_dir, kind)
    warning = MSG_PLAIN_COPY if (to_dir is not None and not db.encrypted) else None
    if warning:
        log.warning("unencrypted backup written outside the data folder (no secure OS keyring)")
    return BackupResult(target, db.encrypted, warning)


def backup_if_due(db: Database, today: dt.date | None = None) -> Path | None:
    """The daily automatic copy: made unless a usable copy of today is already in the folder.

    Only verified copies get a final name now, but an older EnrollPoint left 0-byte or partial files under
    final names after a full disk: a copy counts only if it opens with the key and passes a quick check.
    """
    today = today or dt.date.today()
    for b in list_backups(backup_dir(db), db.path.stem):
        if b.taken_at.date() < today:
            break
        if is_usable_copy(b.path, db.key):
            return None
        log.warning("ignoring an unusable backup %s (%d bytes)", b.path.name, b.size)
    return backup_now(db, kind="auto")


def is_usable_copy(path: Path, key: bytes | None) -> bool:
    """A backup file that opens with `key` (None: a plain file) and passes SQLite's quick check."""
    try:
        if path.stat().st_size == 0:
            return False
        conn = _open_raw(path, key)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check")] == ["ok"]
        finally:
            conn.close()
    except Exception:  # unreadable, wrong key, not a database: not a backup to count on
        return False


def prune(folder: Path, keep: int = KEEP, stem: str | None = None) -> list[Path]:
    """Delete all but the newest `keep` copies; returns what was deleted."""
    removed: list[Path] = []
    for b in list_backups(folder, stem)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            b.path.unlink()
            removed.append(b.path)
    return removed


# --- restore -----------------------------------------------------------------------------------------


def _open_raw(path: Path, key: bytes | None) -> Any:
    import sqlcipher3

    if key is None:
        return sqlcipher3.connect(str(path))  # also reads plain files
    return connect_keyed(str(path), key)


def inspect_backup(path: Path, key: bytes | None, shown_as: Path | None = None) -> tuple[str, int]:
    """(alembic revision, citizen count) of a candidate copy, or RestoreRefused with the reason.

    `shown_as`: the file the officer chose, named in every message (`path` may be the app's staging copy).
    """
    name = (shown_as or path).name
    state = keys.file_state(path)
    if state == "new":
        raise RestoreRefused(f"Tệp {name} trống hoặc không tồn tại.",
                             en=f"The file {name} is empty or does not exist.")
    try:
        conn = _open_raw(path, key if state == "encrypted" else None)
    except Exception as exc:
        raise RestoreRefused(
            f"Không mở được bản sao lưu {name}: tệp hỏng hoặc được mã hoá bằng khóa khác "
            "(hãy nhập khóa khôi phục của máy đã tạo bản sao).",
            en=f"The backup {name} cannot be opened: the file is damaged or encrypted with another key "
               "(enter the recovery key of the computer that made it).",
        ) from exc
    try:
        try:
            checks = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except Exception as exc:
            raise RestoreRefused(f"Bản sao lưu {name} bị hỏng hoặc không phải cơ sở dữ liệu (không đọc được: {exc}).",
                                 en=f"The backup {name} is damaged or not a database (cannot be read: "
                                    f"{exc}).") from exc
        if checks != ["ok"]:
            raise RestoreRefused(f"Bản sao lưu {name} bị hỏng (kiểm tra toàn vẹn: {checks[0]}).",
                                 en=f"The backup {name} is damaged (integrity check: {checks[0]}).")
        if not tables >= REQUIRED_TABLES:
            raise RestoreRefused(f"Tệp {name} không phải cơ sở dữ liệu EnrollPoint.",
                                 en=f"The file {name} is not an EnrollPoint database.")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        rev = row[0] if row else ""
        if rev not in migrations.KNOWN_REVISIONS:
            raise RestoreRefused(
                f"Bản sao lưu {name} được tạo bởi phiên bản EnrollPoint mới hơn (lược đồ {rev or '?'}). "
                "Hãy cài phiên bản mới nhất rồi khôi phục.",
                en=f"The backup {name} was made by a newer EnrollPoint (schema {rev or '?'}). Install the "
                   "latest version, then restore.",
            )
        citizens = int(conn.execute("SELECT count(*) FROM citizens").fetchone()[0])
        return rev, citizens
    finally:
        conn.close()


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Rename the current database (and its -wal/-shm) out of the way; nothing is deleted."""
    if not db_path.exists():
        return None
    with contextlib.suppress(Exception):  # fold the WAL in first when the file is readable
        key = keys.load_key(db_path) if keys.file_state(db_path) == "encrypted" else None
        conn = _open_raw(db_path, key)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            os.replace(src, Path(str(kept) + suffix))
    make_private(kept)
    return kept


def _key_of_backup(src: Path, target: Path, recovery_key: str | None) -> bytes:
    """Which key opens the copy: the recovery key given, this database's key, or the copy's own entry."""
    candidates: list[bytes] = []
    if recovery_key:
        try:
            candidates.append(keys.parse_recovery_key(recovery_key))
        except keys.BadRecoveryKey as exc:
            raise RestoreRefused(exc.message, en=exc.words("en")) from exc
    for p in (target, src):
        k = keys.load_key(p)
        if k is not None and k not in candidates:
            candidates.append(k)
    for k in candidates:
        if keys.key_opens(src, k):
            return k
    raise RestoreRefused(
        f"Không mở được bản sao lưu {src.name}: tệp hỏng hoặc được mã hoá bằng khóa của máy khác. "
        "Hãy khôi phục kèm khóa khôi phục của máy đã tạo bản sao (enrollpoint restore FILE --with-recovery-key).",
        en=f"The backup {src.name} cannot be opened: the file is damaged or encrypted with another "
           "computer's key. Restore it with the recovery key of the computer that made it (enrollpoint "
           "restore FILE --with-recovery-key).",
    )


def restore(
    path_of_backup: str | os.PathLike[str],
    *,
    db_path: str | os.PathLike[str],
    recovery_key: str | None = None,
) -> RestoreResult:
    """Replace the database at `db_path` with a checked copy of `path_of_backup`.

    The app must have closed its Database first (one process owns the file). Nothing changes unless
    every check passes. An older copy is migrated on the way in; the previous file is kept aside (its
    key stays in the keyring under the kept file's name when the restored copy uses another key).
    """
    src = Path(path_of_backup)
    target = Path(db_path)
    if not src.is_file():
        raise RestoreRefused(f"Không tìm thấy tệp sao lưu {src}.", en=f"Backup file {src} not found.")
    key = _key_of_backup(src, target, recovery_key) if keys.file_state(src) == "encrypted" else None
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = target.with_name(f"{target.name}.restoring-{stamp}")
    try:
        shutil.copyfile(src, staging)  # check and migrate a copy: the backup itself stays untouched
        make_private(staging)
        rev, citizens = inspect_backup(staging, key, shown_as=src)
    except OSError as exc:
        remove_with_side_files(staging)
        raise RestoreRefused(
            f"Không chép được bản sao lưu {src.name} vào thư mục dữ liệu {target.parent} ({exc.strerror or exc}). "
            "Chưa thay đổi gì.",
            en=f"The backup {src.name} could not be copied into the data folder {target.parent} "
               f"({exc.strerror or exc}). Nothing was changed.",
        ) from exc
    except BaseException:
        remove_with_side_files(staging)
        raise
    old_key = keys.load_key(target)
    kept = _set_aside(target, stamp)
    if kept is not None and old_key is not None:
        keys.store_key(kept, old_key)  # the kept-aside file stays readable
    os.replace(staging, target)
    make_private(target)
    if key is not None and key != old_key:
        keys.store_key(target, key)
    migrated = rev != migrations.HEAD
    db = open_database(target)  # migrates an older copy (after its own backup); encrypts a plain one
    try:
        now_rev = current_revision(db.engine) or ""
    finally:
        db.close()
    log.info("restored a backup taken at revision %s (%d citizens); migrated=%s", rev, citizens, migrated)
    return RestoreResult(src, rev, now_rev, migrated, kept, citizens)
