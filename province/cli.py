"""`enrollpoint-hub`: admin commands of the province hub. Exit 0 ok, 2 refused (one line of words), 130 Ctrl+C.

Every command takes `--db URL` (default: $ENROLLPOINT_HUB_DB or a SQLite file in the hub's data dir;
a bare path means SQLite; postgresql://… uses psycopg), `--json` and `--lang vi|en`. One language per run:
Vietnamese unless `--lang en` or ENROLLPOINT_HUB_LANG=en (the words: province.cli_words; refusals carry their
own). The environment is read once, into province.settings.HubSettings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy.exc

from province import actor, admin, auth, cli_ops, cli_rankings, cli_report, cli_steering, offline
from province.cli_files import (
    cmd_day_code,
    cmd_day_code_list,
    cmd_enrol_file,
    cmd_import_bundle,
    cmd_targets_file,
    refuse,
)
from province.cli_words import say
from province.db import HubDB, open_hub
from province.errors import HubRefusal
from province.settings import HubSettings, export_for_workers
from province.settings import load as load_settings
from sync import hubkey

ENV_PASSWORD = "ENROLLPOINT_HUB_PASSWORD"  # read by province.settings (HubSettings.password)
LANGS = ("vi", "en")
LANG_HELP = "language of the output: vi (default) or en; also ENROLLPOINT_HUB_LANG"
Handler = Callable[[argparse.Namespace, HubDB], tuple[Any, str]]


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error in the run's language (no usage dump), still exit code 2."""

    lang = "vi"

    def error(self, message: str) -> Any:
        self.exit(2, say(self.lang, "usage", message=message, prog=self.prog) + "\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _iso(when: Any) -> str | None:
    if when is None:
        return None
    return when.isoformat() if isinstance(when, dt.date) and not isinstance(when, dt.datetime) else \
        when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# -- handlers: return (data for --json, text for humans) ----------------------------------------------

def cmd_init(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    added = 0
    with db.session(write=True) as s:
        auth.ensure_secret(s)  # the dashboard's session-signing secret lives in the database only
        offline.ensure_hub_key(s)  # the hub's Ed25519 key for the files it signs (receipts, responses, targets)
    if args.with_communes:
        with db.session(write=True) as s:
            added = admin.import_official(s)
    with db.session() as s:
        total = admin.count_rows(s, admin.Commune)
    return {"database": db.engine.dialect.name, "communes_added": added, "communes": total}, \
        say(args.lang, "init", db=db.engine.dialect.name, total=total, added=added)


def cmd_commune_add(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        c = admin.add_commune(s, args.code, args.name, args.province, args.province_name)
        data = {"code": c.code, "name": c.name, "province_code": c.province_code}
    return data, say(args.lang, "commune.saved", code=data["code"], name=data["name"], province=data["province_code"])


def cmd_commune_import(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        added = admin.import_official(s)
    with db.session() as s:
        total = admin.count_rows(s, admin.Commune)
    return {"added": added, "communes": total}, say(args.lang, "commune.imported", added=added, total=total)


def cmd_commune_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = [{"code": c.code, "name": c.name, "province_code": c.province_code,
                 "province_name": c.province_name, "active": c.active}
                for c in admin.list_communes(s, args.province)]
    text = "\n".join(f"{r['code']}\t{r['name']}\t{r['province_code']} {r['province_name']}" for r in rows)
    return rows, text or say(args.lang, "commune.none")


def cmd_target_set(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        t = admin.set_target(s, args.commune, args.indicator, args.value, args.deadline)
        data = {"commune_code": t.commune_code, "indicator": t.indicator, "value": t.value,
                "deadline": _iso(t.deadline)}
    return data, say(args.lang, "target.saved", commune=data["commune_code"], indicator=data["indicator"],
                     value=data["value"], deadline=data["deadline"] or "—")


def cmd_target_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = [{"commune_code": t.commune_code, "indicator": t.indicator, "value": t.value,
                 "deadline": _iso(t.deadline)} for t in admin.list_targets(s, args.commune)]
    text = "\n".join(f"{r['commune_code']}\t{r['indicator']}\t{r['value']}\t{r['deadline'] or ''}" for r in rows)
    return rows, text or say(args.lang, "target.none")


def cmd_enrol_code(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from province import replacement

    with db.session(write=True) as s:
        replaces = None
        if args.replaces:
            code, expires, dev = replacement.create_code(s, args.commune, args.replaces, args.days)
            replaces = {"device_id": dev.id, "name": dev.name}
        else:
            code, expires = admin.create_enrolment_code(s, args.commune, args.days)
        commune = admin.get_commune(s, args.commune)
        data = {"code": code, "commune_code": commune.code, "commune_name": commune.name,
                "expires_at": _iso(expires), "replaces": replaces,
                "hub_key_fingerprint": hubkey.fingerprint(offline.ensure_hub_key(s)[1])}
    if replaces:
        return data, say(args.lang, "enrol.replacement_code", code=code, device=replaces["device_id"],
                         device_name=replaces["name"], commune=data["commune_code"], name=data["commune_name"],
                         expires=data["expires_at"], fingerprint=data["hub_key_fingerprint"])
    return data, say(args.lang, "enrol.code", code=code, commune=data["commune_code"], name=data["commune_name"],
                     expires=data["expires_at"], fingerprint=data["hub_key_fingerprint"])


def _device_state(lang: str, row: dict[str, Any]) -> str:
    if row["revoked"]:
        return say(lang, "device.revoked_state")
    return say(lang, "device.held_state", reason=row["held"]) if row["held"] else say(lang, "device.active")


def cmd_device_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = [{"id": d.id, "commune_code": d.commune_code, "name": d.name, "enrolled_at": _iso(d.enrolled_at),
                 "token_expires_at": _iso(d.token_expires_at), "revoked": d.revoked,
                 "last_seen_at": _iso(d.last_seen_at), "held": d.held_reason} for d in admin.list_devices(s)]
    text = "\n".join(f"{r['id']}\t{r['commune_code']}\t{r['name']}\t{_device_state(args.lang, r)}" for r in rows)
    return rows, text or say(args.lang, "device.none")


def cmd_device_approve(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from province import held

    with db.session(write=True) as s:
        d = held.approve(s, args.id)
        data = {"id": d.id, "commune_code": d.commune_code, "held": False}
    return data, say(args.lang, "device.approved", id=data["id"])


def cmd_device_revoke(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        d = admin.revoke_device(s, args.id)
        data = {"id": d.id, "commune_code": d.commune_code, "revoked": True}
    return data, say(args.lang, "device.revoked", id=data["id"])


def _password(args: argparse.Namespace) -> str:
    """From $ENROLLPOINT_HUB_PASSWORD (scripts; read with the settings), else typed twice without echo."""
    settings: HubSettings = args.settings
    if settings.password is not None:
        return settings.password.get_secret_value()
    import getpass

    try:
        first = getpass.getpass(say(args.lang, "password.prompt"))
        again = getpass.getpass(say(args.lang, "password.again"))
    except (EOFError, KeyboardInterrupt):
        raise refuse("password.none") from None
    if first != again:
        raise refuse("password.differ")
    return first


def _user_data(u: Any) -> dict[str, Any]:
    return {"name": u.name, "role": u.role, "province": u.province_code, "communes": u.communes,
            "disabled": u.disabled, "created_at": _iso(u.created_at),
            "last_login_at": _iso(u.last_login_at), "locked_until": _iso(u.locked_until)}


def cmd_user_add(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    password = _password(args)
    with db.session(write=True) as s:
        data = _user_data(auth.add_user(s, args.name, password, args.role, args.province, args.communes))
    return data, say(args.lang, "user.added", name=data["name"], role=data["role"]) + _scope_words(args.lang, data)


def _scope_words(lang: str, data: dict[str, Any]) -> str:
    if data["province"]:
        return " " + say(lang, "user.scope_province", province=data["province"])
    if data["communes"]:
        return " " + say(lang, "user.scope_communes", communes=data["communes"])
    return " " + say(lang, "user.scope_all")


def cmd_user_scope(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if args.all and (args.province or args.communes):
        raise refuse("user.scope_conflict")
    if not (args.all or args.province or args.communes):
        raise refuse("user.scope_missing")
    with db.session(write=True) as s:
        data = _user_data(auth.set_scope(s, args.name, args.province, args.communes, args.role))
    return data, say(args.lang, "user.scope_set", name=data["name"], role=data["role"]) + _scope_words(args.lang, data)


def cmd_user_passwd(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    password = _password(args)
    with db.session(write=True) as s:
        data = _user_data(auth.set_password(s, args.name, password))
    return data, say(args.lang, "user.passwd", name=data["name"])


def cmd_user_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = [_user_data(u) for u in auth.list_users(s)]
    text = "\n".join(say(args.lang, "user.row", name=r["name"], role=r["role"], last=r["last_login_at"] or "—",
                         state=say(args.lang, "user.disabled_state" if r["disabled"] else "device.active"))
                     for r in rows)
    return rows, text or say(args.lang, "user.none")


def cmd_user_disable(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        data = _user_data(auth.set_disabled(s, args.name, True))
    return data, say(args.lang, "user.disabled", name=data["name"])


def cmd_user_enable(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        data = _user_data(auth.set_disabled(s, args.name, False))
    return data, say(args.lang, "user.enabled", name=data["name"])


def cmd_user_login_link(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        token, expires = auth.create_login_link(s, args.name, args.minutes)
    path = f"/login/link/{token}"
    url = args.base_url.rstrip("/") + path
    return {"url": url, "path": path, "expires_at": _iso(expires)}, \
        say(args.lang, "user.link", url=url, expires=_iso(expires))


def cmd_serve(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    import uvicorn

    from province.app import create_app
    from province.inflight import BatchSlots
    from province.logs import stamped, uvicorn_config
    from province.transport import check_serve

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise refuse("serve.ssl_pair")
    check_serve(args.host, own_tls=bool(args.ssl_certfile), settings=args.settings)  # no plain HTTP off loopback
    print(stamped(say(args.lang, "serve.https" if args.ssl_certfile else "serve", host=args.host, port=args.port,
                      db=db.engine.dialect.name)), flush=True)
    # Proxy headers: only province.proxy reads them, and only from ENROLLPOINT_HUB_TRUSTED_PROXIES.
    common: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": args.log_level,
                              "access_log": args.access_log, "proxy_headers": False,
                              "ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile,
                              "log_config": uvicorn_config(args.log_level)}  # timestamped lines (province.logs)
    if args.workers > 1:  # each worker is a fresh process that builds its app from the settings
        db.close()
        export_for_workers(db.url, secure_cookies=args.secure_cookies)
        uvicorn.run("province.app:create_app", factory=True, workers=args.workers, **common)
        return None, ""
    serving = args.settings.model_copy(update={"freeze_gc": True})  # start-up objects frozen (province/app.py)
    app = create_app(db=db, secure_cookies=args.secure_cookies, settings=serving,
                     batch_slots=BatchSlots(args.settings.batches_in_flight))
    uvicorn.run(app, **common)
    return None, ""


# -- parser -------------------------------------------------------------------------------------------

def _scope_args(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--province", default=None, help="bind a viewer or admin to this province code")
    sp.add_argument("--communes", default=None, metavar="CODE,CODE",
                    help="a leader's communes (comma-separated codes)")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="database URL or SQLite file path")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    common.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=LANG_HELP)

    p = _Parser(prog="enrollpoint-hub", description="EnrollPoint province hub")
    p.add_argument("--db", default=None, help="database URL or SQLite file (default: $ENROLLPOINT_HUB_DB)")
    p.add_argument("--json", action="store_true", default=False)
    p.add_argument("--lang", choices=LANGS, default=None, help=LANG_HELP)
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, func: Handler, help_: str, parent: Any = sub) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, parents=[common], help=help_)
        sp.set_defaults(func=func)
        return sp

    sp = add("init", cmd_init, "create or migrate the database")
    sp.add_argument("--with-communes", action="store_true", help="load all 3,321 official communes")

    sp = add("serve", cmd_serve, "run the HTTP hub (migrates first)")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8765)
    sp.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    sp.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    sp.add_argument("--secure-cookies", action="store_true",
                    help="always mark the session cookie Secure (behind a TLS proxy)")
    sp.add_argument("--workers", type=int, default=1, choices=range(1, 65), metavar="N",
                    help="worker processes (login limits and lockouts are shared through the database)")
    sp.add_argument("--ssl-certfile", default=None, metavar="PEM",
                    help="serve HTTPS with this certificate (chain) instead of behind a TLS proxy")
    sp.add_argument("--ssl-keyfile", default=None, metavar="PEM", help="the certificate's private key")

    user = sub.add_parser("user", help="dashboard accounts").add_subparsers(dest="sub", required=True)
    sp = add("add", cmd_user_add, f"add an account (password from ${ENV_PASSWORD} or a prompt)", user)
    sp.add_argument("name")
    sp.add_argument("--role", required=True, choices=list(auth.ROLES))
    _scope_args(sp)
    sp = add("scope", cmd_user_scope, "change an account's scope (province, communes, or --all) and role", user)
    sp.add_argument("name")
    sp.add_argument("--role", default=None, choices=list(auth.ROLES))
    _scope_args(sp)
    sp.add_argument("--all", action="store_true", help="the whole hub (no province, no communes)")
    sp = add("passwd", cmd_user_passwd, "change an account's password", user)
    sp.add_argument("name")
    add("list", cmd_user_list, "list accounts", user)
    sp = add("disable", cmd_user_disable, "disable an account (ends its sessions)", user)
    sp.add_argument("name")
    sp = add("enable", cmd_user_enable, "enable an account again (clears a lockout)", user)
    sp.add_argument("name")
    sp = add("login-link", cmd_user_login_link, "print a single-use login URL (kiosk screens)", user)
    sp.add_argument("name")
    sp.add_argument("--minutes", type=int, default=15, help="validity (default 15)")
    sp.add_argument("--base-url", default="http://127.0.0.1:8765", help="the hub's address as the screen sees it")

    commune = sub.add_parser("commune", help="the commune register").add_subparsers(dest="sub", required=True)
    sp = add("add", cmd_commune_add, "add or rename a commune", commune)
    sp.add_argument("code")
    sp.add_argument("name")
    sp.add_argument("--province", required=True, help="province code (e.g. 56)")
    sp.add_argument("--province-name", default=None)
    add("import-official", cmd_commune_import, "load all 3,321 communes of 2025", commune)
    sp = add("list", cmd_commune_list, "list communes", commune)
    sp.add_argument("--province", default=None)

    target = sub.add_parser("target", help="province targets").add_subparsers(dest="sub", required=True)
    sp = add("set", cmd_target_set, "set a commune's target for an indicator", target)
    sp.add_argument("commune")
    sp.add_argument("indicator")
    sp.add_argument("value", type=int)
    sp.add_argument("--deadline", type=_date, default=None)
    sp = add("list", cmd_target_list, "list targets", target)
    sp.add_argument("commune", nargs="?")

    sp = add("enrol-code", cmd_enrol_code, "print a one-time enrolment code for a commune")
    sp.add_argument("commune")
    sp.add_argument("--days", type=int, default=7)
    sp.add_argument("--replaces", metavar="DEVICE", default=None,
                    help="a replacement code: the laptop that enrols with it becomes DEVICE's successor (same device "
                         "id; the old laptop's token stops working)")

    device = sub.add_parser("device", help="enrolled laptops").add_subparsers(dest="sub", required=True)
    add("list", cmd_device_list, "list devices", device)
    sp = add("revoke", cmd_device_revoke, "revoke a device (its token stops working)", device)
    sp.add_argument("id")
    sp = add("approve", cmd_device_approve, "approve a laptop held for review (its reports are counted)", device)
    sp.add_argument("id")
    cli_ops.add_commands(sub, device, add)  # backup, restore, audit, device reinstate, targets import
    cli_report.add_commands(add)  # report-setup
    from province.national import cli as national_cli

    national_cli.add_commands(sub, add)  # national enrol-code | connect | send | status

    sp = add("import-bundle", cmd_import_bundle, "import an offline bundle file")
    sp.add_argument("file")
    sp.add_argument("--receipt", metavar="OUT", default=None, help="write a signed receipt for the laptop")

    sp = add("enrol-file", cmd_enrol_file, "answer a laptop's enrolment request file (no network)")
    sp.add_argument("request", metavar="REQ")
    sp.add_argument("--out", required=True, metavar="RESP", help="the signed response file to carry back")
    sp.add_argument("--ca-file", default=None, metavar="PEM",
                    help="the province's TLS CA certificate, carried to the laptop in the signed response")

    sp = add("targets-file", cmd_targets_file, "write a commune's signed targets/settings file")
    sp.add_argument("commune")
    sp.add_argument("--out", required=True, metavar="FILE")
    sp.add_argument("--hub-url", default=None, help="the hub's address, for when the laptop gets a link")

    sp = add("day-code", cmd_day_code, "enter a day code read over the phone / SMS (provisional figures)")
    sp.add_argument("code", nargs="+", help="the code (groups may be given as separate words)")
    cli_steering.add_parsers(sub, add)
    cli_rankings.add_parsers(sub, add)

    sp = add("day-codes", cmd_day_code_list, "list day codes received and whether signed reports superseded them")
    sp.add_argument("commune", nargs="?")
    return p


def _lang_of(argv: Sequence[str], settings: HubSettings) -> str:
    """`--lang en|vi` anywhere on the line (so even a usage error speaks it), else the settings' language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "vi"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "vi"
    return settings.lang


def _reader_left() -> int:
    """stdout's reader went away (`… | head -1`): the work is done, so exit 0 quietly. stdout is pointed at
    /dev/null so the interpreter's final flush does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (an embedding host): nothing more to silence
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 done, 2 refused (one line of words on stderr, in the run's language), 130 interrupted; never a
    traceback for input, a closed pipe or Ctrl+C."""
    argv = list(sys.argv[1:] if argv is None else argv)
    settings = load_settings()  # the environment, read once for this run
    lang = _lang_of(argv, settings)
    try:
        return _run(argv, settings, lang)
    except BrokenPipeError:
        return _reader_left()
    except KeyboardInterrupt:
        print(say(lang, "interrupted"), file=sys.stderr)
        return 130


def _run(argv: list[str], settings: HubSettings, lang: str) -> int:
    parser = build_parser()
    _Parser.lang = lang
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.lang, args.settings = lang, settings
    who = actor.set_command_line() if args.func is not cmd_serve else None  # the audit names the OS user
    try:
        db = open_hub(args.db, settings=settings)
        try:
            data, text = args.func(args, db)
        finally:
            db.close()
    except HubRefusal as exc:  # every refusal of the hub and of this CLI: one line, exit 2
        print(exc.words(lang), file=sys.stderr)
        return 2
    except sqlalchemy.exc.OperationalError as exc:  # locked past the busy timeout, server gone: rolled back
        why = str(exc.orig or exc).strip().splitlines()[0][:200]
        print(say(lang, "db.unavailable", why=why), file=sys.stderr)
        return 2
    finally:
        if who is not None:
            actor.reset(who)
    if args.func is not cmd_serve:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if args.json else text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
