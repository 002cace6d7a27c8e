"""`enrollpoint-hub backup` / `restore`: a logical dump of every hub table through SQLAlchemy, so one command
and one file serve SQLite and PostgreSQL (and move a hub from one to the other), sealed by `backup_crypt`.

The dump is JSON lines, zlib-compressed: a head (schema revision, when), per table its columns then its rows,
and an end line with the row count of every table, checked on restore. Restore reads the whole file once to
check it (a wrong passphrase, a changed or cut-off file: refused, nothing touched), then in ONE write
transaction empties the tables and loads the rows, so a failure half-way leaves the hub as it was. The
restored hub has the same session secret, signing key, device token hashes and batch ids: laptops keep
syncing without re-enrolment and a batch sent again is recognised, never counted twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, func, select, text
from sqlalchemy.engine import Connection

from province import backup_crypt
from province.db import HubDB, current_revision
from province.errors import HubRefusal
from province.models import Base

# What makes a hub "not empty" for restore: its work, not the init's secret or the official commune list.
WORK_TABLES = ("devices", "report_villages", "batches", "hub_users", "targets", "phone_reports")
READ_ROWS = 2000


class BackupRefused(HubRefusal):
    """A backup that cannot be written or a restore that will not be done (nothing was changed)."""

    title = "Không sao lưu / khôi phục được"


def _enc(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode()}
    return value


def _dec(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "b" in value:
            return base64.b64decode(value["b"])
    return value


def _lines(conn: Connection, revision: str) -> Iterator[dict[str, Any]]:
    yield {"head": {"revision": revision, "at": dt.datetime.now(dt.UTC).isoformat(), "format": 1}}
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        cols = [c.name for c in table.columns]
        yield {"table": table.name, "columns": cols}
        n = 0
        result = conn.execution_options(yield_per=READ_ROWS).execute(select(*table.columns))
        for row in result:
            yield {"r": [_enc(v) for v in row]}
            n += 1
        counts[table.name] = n
    yield {"end": counts}


def _snapshot(db: HubDB) -> Connection:
    """A connection whose one transaction sees one state of the whole database: PostgreSQL's REPEATABLE READ
    (its default, READ COMMITTED, would take a new snapshot per table); SQLite's read transaction already does
    (WAL: a reader sees the database as of its first read)."""
    conn = db.engine.connect()
    if db.engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def write_backup(db: HubDB, out: Path, passphrase: str) -> dict[str, int]:
    """Dump the hub into `out` (created 0600, never over an existing file); the row count per table."""
    revision = current_revision(db.engine) or ""
    if out.exists():
        raise BackupRefused(f"{out} already exists", vi=f"Tệp {out} đã có: chọn tên khác.")
    tmp = out.with_name(out.name + ".part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupRefused(f"cannot write {tmp}: {exc.strerror}",
                            vi=f"Không ghi được tệp {tmp}: {exc.strerror}.") from exc
    counts: dict[str, int] = {}
    try:
        with os.fdopen(fd, "wb") as f:
            sealer = backup_crypt.Sealer(f, passphrase)
            pack = zlib.compressobj(6)
            with _snapshot(db) as conn, conn.begin():  # every table as of one instant, the hub still serving
                for line in _lines(conn, revision):
                    counts = line.get("end", counts)
                    sealer.write(pack.compress(json.dumps(line, ensure_ascii=False).encode() + b"\n"))
            sealer.write(pack.flush())
            sealer.finish()
            f.flush()
            os.fsync(f.fileno())
        if out.exists():
            raise BackupRefused(f"{out} already exists", vi=f"Tệp {out} đã có: chọn tên khác.")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _read_lines(path: Path, passphrase: str) -> Iterator[dict[str, Any]]:
    """The dump's lines, each chunk checked first; BackupRefused on any fault."""
    unpack, rest = zlib.decompressobj(), b""
    try:
        with open(path, "rb") as f:
            for chunk in backup_crypt.open_chunks(f, passphrase):
                rest += unpack.decompress(chunk)
                *whole, rest = rest.split(b"\n")
                for raw in whole:
                    yield json.loads(raw)
            rest += unpack.flush()
    except backup_crypt.BadBackup as exc:
        raise BackupRefused(
            f"{path} is not a readable hub backup: the passphrase is wrong, or the file was changed or cut short "
            f"({exc}). Nothing was changed.",
            vi=f"Không đọc được bản sao lưu {path}: sai mật khẩu sao lưu, hoặc tệp đã bị sửa hay bị cắt ngắn "
               f"({exc}). Không thay đổi gì.") from exc
    except (OSError, zlib.error, ValueError) as exc:
        raise BackupRefused(f"cannot read {path}: {exc}. Nothing was changed.",
                            vi=f"Không đọc được tệp {path}: {exc}. Không thay đổi gì.") from exc
    if rest.strip():
        raise BackupRefused(f"{path}: unexpected data at the end. Nothing was changed.",
                            vi=f"Tệp {path} có dữ liệu thừa ở cuối. Không thay đổi gì.")


def check_backup(path: Path, passphrase: str) -> tuple[str, dict[str, int]]:
    """Read the whole file once without touching any database: (schema revision, rows per table)."""
    revision, counts, seen, table = None, None, {}, None
    for line in _read_lines(path, passphrase):
        if "head" in line:
            revision = str(line["head"]["revision"])
        elif "table" in line:
            table = line["table"]
            seen[table] = 0
        elif "r" in line and table is not None:
            seen[table] += 1
        elif "end" in line:
            counts = line["end"]
    if revision is None or counts is None or counts != seen:
        raise BackupRefused(f"{path} is incomplete (row counts differ). Nothing was changed.",
                            vi=f"Bản sao lưu {path} không đủ (số dòng không khớp). Không thay đổi gì.")
    return revision, counts


def _work_rows(conn: Connection) -> dict[str, int]:
    tables = Base.metadata.tables
    found = {name: int(conn.scalar(select(func.count()).select_from(tables[name])) or 0) for name in WORK_TABLES}
    return {k: v for k, v in found.items() if v}


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: rows came with their ids, so each id sequence moves past the largest."""
    for table in Base.metadata.sorted_tables:
        for col in table.primary_key.columns:
            if isinstance(col.type, Integer) and col.autoincrement in (True, "auto") and len(table.primary_key) == 1:
                seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col.name})
                if seq:
                    conn.execute(text(f"SELECT setval('{seq}', COALESCE((SELECT MAX({col.name}) FROM "
                                      f"{table.name}), 0) + 1, false)"))


def restore_backup(db: HubDB, path: Path, passphrase: str, *, force: bool) -> dict[str, int]:
    """Check the file, then replace the hub's content with it in one write transaction."""
    revision, counts = check_backup(path, passphrase)
    here = current_revision(db.engine) or ""
    if revision != here:
        raise BackupRefused(
            f"the backup is of hub schema {revision}, this hub is at {here}: restore with the hub version that "
            "wrote it, then upgrade. Nothing was changed.",
            vi=f"Bản sao lưu thuộc lược đồ {revision}, máy chủ này ở {here}: khôi phục bằng đúng phiên bản máy chủ "
               "tỉnh đã sao lưu rồi mới cập nhật. Không thay đổi gì.")
    tables = Base.metadata.tables
    with db.write_sessions() as s, s.begin():
        conn = s.connection()
        busy = _work_rows(conn)
        if busy and not force:
            what = ", ".join(f"{k} {v}" for k, v in busy.items())
            raise BackupRefused(f"this hub is not empty ({what}): restore refused; add --force to replace it",
                                vi=f"Máy chủ tỉnh này đã có dữ liệu ({what}): không khôi phục đè lên. Thêm --force "
                                   "nếu muốn thay toàn bộ.")
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        table = None
        cols: list[str] = []
        batch: list[dict[str, Any]] = []
        for line in _read_lines(path, passphrase):
            if "table" in line or "end" in line:
                if batch and table is not None:
                    conn.execute(table.insert(), batch)
                batch = []
                if "table" in line:
                    table, cols = tables[line["table"]], line["columns"]
            elif "r" in line and table is not None:
                batch.append(dict(zip(cols, (_dec(v) for v in line["r"]), strict=True)))
                if len(batch) >= READ_ROWS:
                    conn.execute(table.insert(), batch)
                    batch = []
        if db.engine.dialect.name == "postgresql":
            _reset_sequences(conn)
        # Results kept by running hub processes (dashboard/stamped.py) were stamped with this hub's counter:
        # move it past any sum either database has had, so none of them is taken for the restored data.
        conn.execute(text("UPDATE intake_counters SET value = value + :n WHERE shard = 0"),
                     {"n": time.time_ns() // 1000})
    return counts

