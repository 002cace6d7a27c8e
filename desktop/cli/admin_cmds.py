"""Administration commands: backups, restore, operators, audit trail, encryption and the recovery key.

PINs are never taken from the command line (shell history): from ENROLLPOINT_PIN (the new operator's
PIN), ENROLLPOINT_SUPERVISOR_PIN (the supervisor authorising) or a getpass prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.cli.context import CliContext, UsageError
from desktop.errors import DatabaseError, ServiceError
from desktop.storage import backup, keys
from desktop.storage.db import open_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.models import Operator

# Handlers import the services they use: building the parser loads every *_cmds module, and
# the domain layer (SQLAlchemy mappings, services) would add ~0.1 s to every command's start-up.

RECOVERY_TEXT = """\
Khóa khôi phục (recovery key)

Cơ sở dữ liệu EnrollPoint trên máy này được mã hoá (SQLCipher, khóa 256 bit). Khóa giải mã được giữ
trong kho khóa của hệ điều hành (Windows Credential Manager / macOS Keychain / Secret Service), không
nằm cạnh dữ liệu. Khi tạo khóa, ứng dụng hiện KHÓA KHÔI PHỤC một lần: 14 nhóm 4 ký tự.

- Người phụ trách ghi lại trên giấy và cất ở trụ sở công an xã, KHÔNG để cùng máy tính.
- Cần dùng khi: cài lại Windows, chuyển dữ liệu/bản sao lưu sang máy khác, kho khóa bị xoá.
- Mở khóa trên máy mới:  enrollpoint recovery-key --unlock   (nhập khóa khi được hỏi,
  hoặc đặt biến môi trường ENROLLPOINT_RECOVERY_KEY)
- Xem lại khóa (chỉ người phụ trách, cần mã PIN):  enrollpoint recovery-key --show --by <tên>
Mất cả máy lẫn khóa khôi phục thì không ai đọc được dữ liệu, kể cả nhà phát triển."""


def _secret(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"Thiếu {env}: đặt biến môi trường hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập.",
                         en=f"{env} is missing: set the environment variable or run the command in a "
                            "terminal to type it.")
    return getpass.getpass(prompt)


def _supervisor(ctx: CliContext, session: Session, name: str | None) -> Operator:
    from desktop.services import auth

    if not name:
        raise UsageError("Cần --by <tên người phụ trách> để xác nhận thao tác này.",
                         en="Give --by <supervisor name> to confirm this action.")
    op = auth.login(session, name, _secret("ENROLLPOINT_SUPERVISOR_PIN", "Mã PIN người phụ trách: "))
    auth.require_role(op, "supervisor")
    return op


def supervisor_if_accounts(ctx: CliContext, session: Session, name: str | None) -> Operator | None:
    """None before any account exists (first set-up from the shell), else the supervisor named by --by."""
    from desktop.services import auth

    return None if auth.needs_first_operator(session) else _supervisor(ctx, session, name)


# --- backup / restore --------------------------------------------------------------------------------


def _backup(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import auth

    if args.if_due:
        made = backup.backup_if_due(ctx.db)  # counts only a verified copy of today
        ctx.output({"backup": str(made) if made else None}, f"Đã sao lưu: {made}" if made else "Hôm nay đã có bản sao lưu.")
        return 0
    to = Path(args.to).expanduser() if args.to else None
    if to is not None and to.exists() and not to.is_dir():
        raise UsageError(f"{to} không phải thư mục.", en=f"{to} is not a folder.")
    result = backup.make_backup(ctx.db, to)  # BackupFailed: words, exit 2, nothing left behind
    made = result.path
    ctx.announce_recovery_key()
    if result.warning:
        print(f"enrollpoint: {result.warning}", file=sys.stderr)
    with ctx.db.session() as s:
        auth.audit(s, None, "backup.create", detail=f"bytes={made.stat().st_size}")
    ctx.output({"backup": str(made), "bytes": made.stat().st_size, "encrypted": result.encrypted,
                "warning": result.warning}, f"Đã sao lưu: {made}")
    return 0


def _restore(args: argparse.Namespace, ctx: CliContext) -> int:
    src = Path(args.file).expanduser()
    ctx.close()  # the database must not be open while it is swapped
    recovery = _secret("ENROLLPOINT_RECOVERY_KEY", "Khóa khôi phục của máy tạo bản sao: ") if args.with_recovery_key else None
    res = backup.restore(src, db_path=paths.db_path(), recovery_key=recovery)
    from desktop.services.province_link import restored

    marked = restored.mark(ctx.db)  # a backup carries the data, not the keyring: remember where it came from
    data = {
        "restored_from": str(res.restored_from),
        "revision_of_backup": res.revision_of_backup,
        "revision_now": res.revision_now,
        "migrated": res.migrated,
        "previous_kept_as": str(res.previous_kept_as) if res.previous_kept_as else None,
        "citizens": res.citizens,
        "restored_from_device": marked["restored_from_device"],
    }
    text = f"Đã khôi phục từ {res.restored_from.name} ({res.citizens} công dân)."
    if res.migrated:
        text += f" Đã nâng lược đồ {res.revision_of_backup} → {res.revision_now}."
    if res.previous_kept_as:
        text += f" Dữ liệu cũ được giữ ở {res.previous_kept_as.name}."
    if marked["restored_from_device"]:
        text += (f"\nBản sao lưu là của máy {marked['restored_from_device'][:8]} (đã kết nối với tỉnh). Nếu máy này "
                 "thay cho máy đó, hãy xin tỉnh MÃ THAY THẾ cho máy đó rồi kết nối (enrollpoint connect); mã nhóm "
                 "đồng bộ trong xã không nằm trong bản sao lưu: hãy nhập lại mã nhóm (enrollpoint peer group join).")
    ctx.output(data, text)
    return 0


# --- operators and audit -------------------------------------------------------------------------------


def _operator_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import auth

    with ctx.db.session() as s:
        by = None if auth.needs_first_operator(s) else _supervisor(ctx, s, args.by)
        pin = _secret("ENROLLPOINT_PIN", f"Mã PIN cho {args.name} (4–8 chữ số): ")
        op = auth.create_operator(s, args.name, pin, args.role, created_by=by)
        data: dict[str, Any] = {"id": op.id, "name": op.name, "role": op.role}
    ctx.announce_recovery_key()
    ctx.output(data, f"Đã thêm {auth.ROLE_LABELS[data['role']].lower()} «{data['name']}» (mã {data['id']}).")
    return 0


def _operator_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import auth

    with ctx.db.read_session() as s:
        ops = auth.list_operators(s, active_only=not args.all)
    rows = [{"id": o.id, "name": o.name, "role": o.role, "active": o.active, "locked_until": o.locked_until} for o in ops]
    text = "\n".join(f"{o.id:>4}  {o.role:<10}  {o.name}" for o in ops) or "Chưa có cán bộ nào."
    ctx.output(rows, text)
    return 0


def _audit(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import auth

    if args.limit < 1 or args.limit > 10000 or args.offset < 0:
        raise UsageError("--limit phải từ 1 đến 10000, --offset không âm.",
                         en="--limit must be from 1 to 10000, --offset must not be negative.")
    with ctx.db.read_session() as s:
        rows = auth.audit_entries(s, args.offset, args.limit, operator_id=args.operator)
    data = [
        {"id": r.id, "at": r.at, "operator_id": r.operator_id, "operator": r.operator_name, "action": r.action,
         "entity": r.entity, "entity_id": r.entity_id, "detail": r.detail}
        for r in rows
    ]
    text = "\n".join(
        f"{r.at:%Y-%m-%d %H:%M:%S}  {r.operator_name or '-':<16}  {r.action:<20} {r.entity} {r.entity_id or ''} {r.detail}".rstrip()
        for r in rows
    ) or "Nhật ký trống."
    ctx.output(data, text)
    return 0


# --- encryption --------------------------------------------------------------------------------------


def _encrypt(args: argparse.Namespace, ctx: CliContext) -> int:
    path = paths.db_path()
    before = keys.file_state(path)
    if before == "encrypted":
        ctx.output({"encrypted": True, "converted": False}, "Cơ sở dữ liệu đã được mã hoá.")
        return 0
    try:
        db = open_database(path, encrypted=True)
    except DatabaseError as exc:
        raise UsageError(exc.message, en=exc.words("en")) from exc
    recovery = db.recovery_key
    db.close()
    data = {"encrypted": True, "converted": before == "plain", "recovery_key": recovery}
    text = "Đã mã hoá cơ sở dữ liệu." if before == "plain" else "Đã tạo cơ sở dữ liệu mã hoá."
    if recovery:
        text += f"\nKHÓA KHÔI PHỤC (ghi lại, cất xa máy, chỉ hiện một lần):\n    {recovery}"
    ctx.output(data, text)
    return 0


def _recovery_key(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import auth

    path = paths.db_path()
    if args.unlock:
        value = _secret("ENROLLPOINT_RECOVERY_KEY", "Khóa khôi phục: ")
        _unlock(path, value)
        ctx.output({"unlocked": True}, "Đã lưu khóa vào kho khóa của máy này; có thể mở cơ sở dữ liệu.")
        return 0
    if args.show:
        with ctx.db.session() as s:
            op = _supervisor(ctx, s, args.by)
            key = keys.load_key(path)
            if key is None:
                raise UsageError("Cơ sở dữ liệu này không được mã hoá.", en="This database is not encrypted.")
            auth.audit(s, op.id, "recovery_key.show")
        rk = keys.recovery_key_for(key)
        ctx.output({"recovery_key": rk}, f"KHÓA KHÔI PHỤC: {rk}")
        return 0
    ctx.output({"encrypted": keys.file_state(path) == "encrypted", "help": RECOVERY_TEXT}, RECOVERY_TEXT)
    return 0


def _unlock(path: Path, value: str) -> None:
    try:
        keys.unlock_with_recovery(path, value)
    except DatabaseError as exc:
        raise ServiceError(exc.message, en=exc.words("en")) from exc


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="sao lưu cơ sở dữ liệu (bản sao mã hoá)")
    p.add_argument("--to", metavar="DIR", help="thư mục đích (mặc định: thư mục backups cạnh dữ liệu)")
    p.add_argument("--if-due", action="store_true", help="chỉ sao lưu nếu hôm nay chưa có bản nào")
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", parents=[common], help="khôi phục từ một bản sao lưu (kiểm tra trước)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--with-recovery-key", action="store_true",
                   help="bản sao từ máy khác: hỏi khóa khôi phục (hoặc ENROLLPOINT_RECOVERY_KEY)")
    p.set_defaults(func=_restore)

    p = sub.add_parser("operator", parents=[common], help="tài khoản cán bộ")
    osub = p.add_subparsers(dest="operator_command", metavar="ACTION", parser_class=type(p))
    osub.required = True
    a = osub.add_parser("add", parents=[common], help="thêm cán bộ (PIN từ ENROLLPOINT_PIN hoặc nhập)")
    a.add_argument("name")
    a.add_argument("--role", choices=["operator", "supervisor"], default="operator")
    a.add_argument("--by", metavar="SUPERVISOR", help="người phụ trách xác nhận (PIN: ENROLLPOINT_SUPERVISOR_PIN)")
    a.set_defaults(func=_operator_add)
    a = osub.add_parser("list", parents=[common], help="danh sách cán bộ")
    a.add_argument("--all", action="store_true", help="cả tài khoản đã ngừng")
    a.set_defaults(func=_operator_list)

    p = sub.add_parser("audit", parents=[common], help="nhật ký thao tác (mới nhất trước)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--operator", type=int, metavar="ID")
    p.set_defaults(func=_audit)

    p = sub.add_parser("encrypt", parents=[common], help="mã hoá cơ sở dữ liệu chưa mã hoá")
    p.set_defaults(func=_encrypt)

    p = sub.add_parser("recovery-key", parents=[common], help="giải thích / xem / dùng khóa khôi phục")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--show", action="store_true", help="hiện lại khóa khôi phục (người phụ trách)")
    g.add_argument("--unlock", action="store_true", help="nhập khóa khôi phục trên máy mới")
    p.add_argument("--by", metavar="SUPERVISOR")
    p.set_defaults(func=_recovery_key)
