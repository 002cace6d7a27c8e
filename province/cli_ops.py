"""`enrollpoint-hub` commands for running the hub: `backup` / `restore` (province.backup), `audit` (reading
the database audit), `device reinstate` (lift a revocation) and `targets import` (province.targets_read reads,
province.targets_write stores; with --sets, province.target_sets_write). Words in province.cli_words; refusals are HubRefusal (one line, exit 2).

The backup passphrase never appears on the command line (where `ps` and shell history would show it): it is
read from ENROLLPOINT_HUB_BACKUP_PASSPHRASE, from an open file descriptor (`--passphrase-fd`, e.g. a systemd
credential or `3< file`), or typed at the terminal without echo.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from province import admin, audit_read, backup, target_sets_write, targets_read, targets_write
from province.cli_words import say
from province.db import HubDB
from province.errors import HubRefusal
from province.settings import HubSettings

MIN_PASSPHRASE = 12
MAX_PASSPHRASE = 1024


def _refuse(lang_key: str, **params: Any) -> HubRefusal:
    return HubRefusal(say("en", lang_key, **params), vi=say("vi", lang_key, **params))


def _passphrase(args: argparse.Namespace, *, twice: bool) -> str:
    settings: HubSettings = args.settings
    if args.passphrase_fd is not None:
        try:
            with os.fdopen(args.passphrase_fd, "rb", closefd=False) as f:
                text = f.read(MAX_PASSPHRASE + 2).decode("utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise _refuse("backup.fd", fd=args.passphrase_fd, why=str(exc)) from None
    elif settings.backup_passphrase is not None:
        text = settings.backup_passphrase.get_secret_value()
    else:
        import getpass

        try:
            text = getpass.getpass(say(args.lang, "backup.prompt"))
            if twice and getpass.getpass(say(args.lang, "backup.again")) != text:
                raise _refuse("password.differ")
        except (EOFError, KeyboardInterrupt):
            raise _refuse("backup.none") from None
    if not text or len(text) > MAX_PASSPHRASE or (twice and len(text) < MIN_PASSPHRASE):
        raise _refuse("backup.short", n=MIN_PASSPHRASE)
    return text


def cmd_backup(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    out = Path(args.out).expanduser()
    counts = backup.write_backup(db, out, _passphrase(args, twice=True))
    data = {"backup": str(out), "rows": counts}
    return data, say(args.lang, "backup.done", path=out, devices=counts.get("devices", 0),
                     reports=counts.get("report_villages", 0), users=counts.get("hub_users", 0))


def cmd_restore(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    src = Path(args.file).expanduser()
    counts = backup.restore_backup(db, src, _passphrase(args, twice=False), force=args.force)
    with db.session(write=True) as s:
        admin.audit(s, "admin", "hub.restore", None, file=src.name, rows=sum(counts.values()))
    return {"restored": str(src), "rows": counts}, \
        say(args.lang, "restore.done", path=src, devices=counts.get("devices", 0),
            reports=counts.get("report_villages", 0), users=counts.get("hub_users", 0))


def _since(text: str) -> dt.datetime:
    """An ISO date or date-time (UTC unless it says otherwise), or N followed by d/h (e.g. 7d: the last week)."""
    text = text.strip()
    if text[:-1].isdigit() and text[-1:] in ("d", "h"):
        n = int(text[:-1])
        return dt.datetime.now(dt.UTC) - (dt.timedelta(days=n) if text[-1] == "d" else dt.timedelta(hours=n))
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date, date-time or 7d/24h: {text!r}") from None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def cmd_audit(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = audit_read.read(s, since=args.since, kind=args.kind, limit=args.limit)
    data = [{**dataclasses.asdict(r), "at": r.at.isoformat().replace("+00:00", "Z")} for r in rows]
    text = "\n".join(say(args.lang, "audit.row", at=d["at"], actor=r.actor, action=r.action,
                         commune=r.commune_code or "—", detail=", ".join(f"{k}={v}" for k, v in r.detail.items()))
                     for d, r in zip(data, rows, strict=True))
    return data, text or say(args.lang, "audit.none")


def cmd_device_reinstate(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        d = admin.reinstate_device(s, args.id)
        data = {"id": d.id, "commune_code": d.commune_code, "revoked": False}
    return data, say(args.lang, "device.reinstated", id=data["id"])


def cmd_targets_import(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    path = Path(args.file).expanduser()
    if args.sets:
        return _import_sets(args, db, path)
    records = targets_read.parse(path)  # refused whole, naming row, column and reason, before any write
    with db.session(write=True) as s:
        if args.dry_run:
            targets_write.check(s, path.name, records, args.province)
            done = targets_write.Imported(0, 0, len({r.commune for r in records}))
        else:
            done = targets_write.store(s, path.name, records, args.province)
    data = {"file": str(path), "targets": len(records), "added": done.added, "updated": done.updated,
            "communes": done.communes, "dry_run": args.dry_run}
    key = "targets.checked" if args.dry_run else "targets.imported"
    return data, say(args.lang, key, path=path.name, count=len(records), added=done.added, updated=done.updated,
                     communes=done.communes)


def _import_sets(args: argparse.Namespace, db: HubDB, path: Path) -> tuple[Any, str]:
    records = targets_read.parse(path, extra=target_sets_write.EXTRA)
    with db.session(write=True) as s:
        if args.dry_run:
            target_sets_write.check(s, path.name, records, args.province)
            done = target_sets_write.SetsImported(len({(r.extra.get("set"), r.indicator) for r in records}),
                                                  len(records), len({r.commune for r in records}))
        else:
            done = target_sets_write.store(s, path.name, records, args.province)
    data = {"file": str(path), "sets": done.sets, "targets": done.values, "communes": done.communes,
            "dry_run": args.dry_run}
    key = "targets.sets_checked" if args.dry_run else "targets.sets_imported"
    return data, say(args.lang, key, path=path.name, sets=done.sets, count=done.values, communes=done.communes)


def _limit(text: str) -> int:
    n = int(text)
    if not 1 <= n <= audit_read.MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"between 1 and {audit_read.MAX_LIMIT}")
    return n


def add_commands(sub: Any, device: Any, add: Any) -> None:
    """Register this module's commands on the hub CLI's parser (`add(name, handler, help, parent)`)."""
    for name, func, help_ in (("backup", cmd_backup, "write an encrypted backup of the whole hub (file 0600)"),
                              ("restore", cmd_restore, "restore a backup into this (empty) hub database")):
        sp = add(name, func, help_)
        sp.add_argument("out" if name == "backup" else "file", metavar="OUT" if name == "backup" else "IN")
        sp.add_argument("--passphrase-fd", type=int, default=None, metavar="FD",
                        help="read the passphrase from this open file descriptor (else "
                             "$ENROLLPOINT_HUB_BACKUP_PASSPHRASE, else a prompt)")
        if name == "restore":
            sp.add_argument("--force", action="store_true", help="replace a hub that already holds data")
    sp = add("audit", cmd_audit, "read the hub's audit (newest first)")
    sp.add_argument("--since", type=_since, default=None, help="YYYY-MM-DD[THH:MM] (UTC) or 7d / 24h")
    sp.add_argument("--kind", default=None, help="an action (device.revoke) or a family (device, user, enrol_code)")
    sp.add_argument("--limit", type=_limit, default=50, metavar="N", help="at most N entries (default 50)")
    targets = sub.add_parser("targets", help="targets from a file").add_subparsers(dest="sub", required=True)
    sp = add("import", cmd_targets_import, "import targets from a CSV or XLSX file (all or nothing)", targets)
    sp.add_argument("file", metavar="FILE", help=".csv (UTF-8) or .xlsx: commune_code and indicators, see docs/hub.md")
    sp.add_argument("--province", default=None, help="refuse communes of any other province")
    sp.add_argument("--dry-run", action="store_true", help="check the file only; store nothing")
    sp.add_argument("--sets", action="store_true", help="the file holds target sets (columns set, deadline, "
                    "denominator, basis)")
    sp = add("reinstate", cmd_device_reinstate, "lift a revocation (the laptop was found)", device)
    sp.add_argument("id")
