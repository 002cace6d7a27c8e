"""`enrollpoint-hub national …`: enrol-code (on the national hub), connect, send and status (on a province
hub). The role comes from the settings (ENROLLPOINT_HUB_ROLE); a command of the other role is refused."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from province import offline
from province.admin import code_key
from province.cli_words import WORDS, say
from province.db import HubDB
from province.national import client, files, intake, outbox, role, rollup
from province.national.words import WORDS as NATIONAL_WORDS
from sync import hubkey, signing

WORDS.update(NATIONAL_WORDS)
MAX_BATCHES_PER_SEND = 400  # a year of a big province is a few dozen batches; bounded anyway


def _role(args: argparse.Namespace) -> str:
    return str(args.settings.role)


def cmd_enrol_code(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if _role(args) != "national":
        raise role.rollups_refused()
    with db.session(write=True) as s:
        code, expires = intake.create_code(s, args.province, args.days)
        fingerprint = hubkey.fingerprint(offline.ensure_hub_key(s)[1])
    data = {"code": code, "province": args.province, "expires_at": expires.isoformat(),
            "fingerprint": fingerprint}
    return data, say(args.lang, "national.code", code=code, province=args.province, expires=data["expires_at"],
                     fingerprint=fingerprint)


def bound_key(code: str, own_key: str, answer: Any) -> tuple[str, str]:
    """(national key, province) from the enrolment answer, only when the key is bound to our one-time code
    and our own key: an answer re-signed or re-keyed on the way is refused."""
    national_key = answer.get("national_public_key") if isinstance(answer, dict) else None
    province = answer.get("province") if isinstance(answer, dict) else None
    if not isinstance(national_key, str) or not isinstance(province, str) or not hubkey.binding_valid(
            signing.token_hash(code_key(code)), answer.get("binding"), national_key, intake.BINDING_DEVICE,
            province, own_key):
        raise client.NationalRefused("the national hub's key is not bound to this code (wrong address or someone "
                                     "in between): not connected",
                                     vi="Khóa máy chủ toàn quốc không gắn với mã kết nối này (sai địa chỉ hoặc có "
                                        "kẻ đứng giữa): chưa kết nối.", status=403)
    return national_key, province


def cmd_connect(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    """Online (--url), or by file: --request FILE writes the request, --answer FILE reads the national hub's."""
    if _role(args) == "national":
        raise role.laptops_refused()
    with db.session(write=True) as s:
        own_key = offline.ensure_hub_key(s)[1]
    if args.request:
        files.write_request(Path(args.request), args.province, args.code, own_key)
        return {"request": args.request}, say(args.lang, "national.request", file=args.request)
    if args.answer:
        answer: Any = files.read_answer(Path(args.answer))
    elif args.url:
        answer = client.call(args.url, "/api/v1/national/enrol",
                             {"province": args.province, "code": args.code, "hub_public_key": own_key})
    else:
        raise client.NationalRefused("give --url (online) or --request / --answer FILE (by file)",
                                     vi="Cần --url (qua mạng) hoặc --request / --answer TỆP (bằng tệp).")
    national_key, province = bound_key(args.code, own_key, answer)
    url = (args.url or "").rstrip("/")
    with db.session(write=True) as s:
        outbox.save_link(s, url, national_key, province)
    fp = hubkey.fingerprint(national_key)
    return {"url": url, "province": province, "fingerprint": fp}, \
        say(args.lang, "national.connected", url=url or "-", province=province, fingerprint=fp)


def cmd_enrol_file(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if _role(args) != "national":
        raise role.rollups_refused()
    answer = files.answer_request(db, Path(args.file), Path(args.out))
    data = {"province": answer["province"], "answer": args.out, "fingerprint": answer["fingerprint"]}
    return data, say(args.lang, "national.answered", **data)


def _not_connected() -> client.NationalRefused:
    return client.NationalRefused("not connected to a national hub: run `national connect --url … --code …` first",
                                  vi="Chưa kết nối máy chủ toàn quốc: chạy `national connect --url … --code …` trước.")


def send(db: HubDB, sleep: Callable[[float], None] = time.sleep) -> dict[str, int]:
    """Compose and post batches until nothing changed; each acknowledged by a receipt signed with the
    pinned national key before the next is composed. LinkDown leaves the batch pending."""
    done = {"batches": 0, "rows": 0, "stored": 0, "duplicates": 0}
    for _ in range(MAX_BATCHES_PER_SEND):
        with db.session(write=True) as s:
            linked = outbox.link(s)
            if not linked:
                raise _not_connected()
            if not linked.get(outbox.URL_KEY):
                raise client.NationalRefused(
                    "connected by file, without the national hub's address: use `national send --out FILE`, or "
                    "connect again with --url", vi="Đã kết nối bằng tệp, chưa có địa chỉ máy chủ toàn quốc: dùng "
                    "`national send --out TỆP`, hoặc kết nối lại với --url.")
            row = outbox.compose(s, linked[outbox.PROVINCE_KEY])
            if row is None:
                break
            batch_id, wire, rows = row.batch_id, row.wire_json.encode("utf-8"), outbox.rows_in(row)
        answer = client.call(linked[outbox.URL_KEY], "/api/v1/national/batches", wire, sleep)
        if not rollup.receipt_valid(answer, linked[outbox.KEY_KEY], batch_id):
            raise client.NationalRefused("the national hub's receipt does not verify with its pinned key; the batch "
                                         "is kept", vi="Biên nhận của máy chủ toàn quốc không khớp khóa đã ghi "
                                         "nhận; lô được giữ lại.", status=502)
        with db.session(write=True) as s:
            outbox.delivered(s, batch_id)
        done["batches"] += 1
        done["rows"] += rows
        done["stored"] += int(answer["receipt"].get("stored", 0))
        done["duplicates"] += int(bool(answer.get("duplicate")))
    return done


def cmd_send(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if _role(args) == "national":
        raise role.laptops_refused()
    if args.out:
        count = files.write_batches(db, Path(args.out), MAX_BATCHES_PER_SEND)
        return {"batches": count, "file": args.out}, say(args.lang, "national.file", batches=count, file=args.out)
    done = send(db)
    if not done["batches"]:
        return done, say(args.lang, "national.nothing")
    return done, say(args.lang, "national.sent", **done)


def cmd_import(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if _role(args) != "national":
        raise role.rollups_refused()
    done = files.import_batches(db, Path(args.file), Path(args.receipt))
    return done, say(args.lang, "national.imported", receipt=args.receipt, **done)


def cmd_receipt(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    if _role(args) == "national":
        raise role.laptops_refused()
    count = files.read_receipts(db, Path(args.file))
    return {"acknowledged": count}, say(args.lang, "national.receipts", count=count)


def cmd_status(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        linked = outbox.link(s)
        waiting = len(outbox.waiting(s))
    data = {"role": _role(args), "url": linked.get(outbox.URL_KEY, ""),
            "province": linked.get(outbox.PROVINCE_KEY, ""), "pending": waiting,
            "checked_at": dt.datetime.now(dt.UTC).isoformat()}
    return data, say(args.lang, "national.status", role=data["role"], url=data["url"] or "-",
                     province=data["province"] or "-", pending=waiting)


def add_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    national = sub.add_parser("national", help="the national level (province hub ⇄ national hub)") \
        .add_subparsers(dest="sub", required=True)
    sp = add("enrol-code", cmd_enrol_code, "national hub: a one-time code for a province hub", national)
    sp.add_argument("province")
    sp.add_argument("--days", type=int, default=7)
    sp = add("connect", cmd_connect, "province hub: enrol at the national hub with its one-time code (online, or "
             "by file: --request then --answer)", national)
    sp.add_argument("--url", default=None)
    sp.add_argument("--request", default=None, metavar="FILE", help="write the enrolment request to a file")
    sp.add_argument("--answer", default=None, metavar="FILE", help="read the national hub's answer file")
    sp.add_argument("--code", required=True)
    sp.add_argument("--province", required=True, help="this hub's province code (the code is bound to it)")
    sp = add("enrol-file", cmd_enrol_file, "national hub: answer a province hub's enrolment request file", national)
    sp.add_argument("file")
    sp.add_argument("--out", required=True, metavar="ANSWER", help="the answer file to carry back")
    sp = add("send", cmd_send, "province hub: send changed commune-day figures to the national hub", national)
    sp.add_argument("--out", default=None, metavar="FILE", help="write the signed batches to a file instead")
    sp = add("import", cmd_import, "national hub: import a province hub's batches file", national)
    sp.add_argument("file")
    sp.add_argument("--receipt", required=True, metavar="OUT", help="the signed receipts file to carry back")
    sp = add("receipt", cmd_receipt, "province hub: read the national hub's receipts file", national)
    sp.add_argument("file")
    add("status", cmd_status, "the role and the national link", national)
