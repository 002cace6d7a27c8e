"""Admin commands that carry the hub's work on files: a USB bundle in (with its receipt out), enrolment
by file, a commune's signed targets file, and day codes read over the phone. Handlers return (data for
--json, text for humans), as in `province.cli`, which wires them into the parser.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from province import offline, province_ca
from province.cli_words import say
from province.db import HubDB
from province.errors import HubRefusal
from sync import indicators


class UsageError(HubRefusal):
    """Unusable input named in one line, in both languages; the CLI exits 2."""


def refuse(message_id: str, **params: Any) -> UsageError:
    """A UsageError with the CLI's words `message_id` in both languages."""
    return UsageError(say("en", message_id, **params), vi=say("vi", message_id, **params))


def cmd_import_bundle(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from province.bundle_import import (
        ALREADY_RECEIVED_EN,
        ALREADY_RECEIVED_VI,
        import_bundle,
        import_bundle_with_receipt,
        stored_now,
    )
    from sync.offline import write_file

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise refuse("file.unreadable", path=path, why=exc.strerror) from None
    if args.receipt:  # a refusal (BundleError) goes up to the CLI's one refusal path
        result, receipt = import_bundle_with_receipt(db, data)
    else:
        result = import_bundle(db, data)
    if args.receipt:
        try:
            write_file(args.receipt, receipt)
        except OSError as exc:
            raise refuse("receipt.unwritable", path=args.receipt, why=exc.strerror) from None
        result["receipt"] = str(args.receipt)
    b = result["batches"]
    tot = stored_now(b)
    result["stored_now"] = tot
    lines = [say(args.lang, "bundle.summary", batches=len(b), device=result["device_id"],
                 commune=result["commune_code"], **tot)]
    already = ALREADY_RECEIVED_EN if args.lang == "en" else ALREADY_RECEIVED_VI
    lines += [say(args.lang, "bundle.replayed", batch=x["batch_id"], reports=len(x.get("results", [])),
                  already=already) for x in b if x.get("replayed")]
    if args.receipt:
        lines.append(say(args.lang, "bundle.receipt", path=args.receipt))
    return result, "\n".join(lines)


def _read_small(path: str) -> bytes:
    from sync.offline import MAX_SMALL_FILE_BYTES

    try:
        with open(path, "rb") as f:
            return f.read(MAX_SMALL_FILE_BYTES + 1)
    except OSError as exc:
        raise refuse("file.unreadable", path=path, why=exc.strerror) from None


def cmd_enrol_file(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from sync.offline import write_file

    data = _read_small(args.request)
    pem = province_ca.read_pem(args.ca_file) if args.ca_file else ""  # refused before the code is spent
    try:
        with db.session(write=True) as s:
            doc, device = offline.enrol_from_file(s, data)
            if pem:
                doc = province_ca.with_ca(s, doc, pem)
            p = doc["payload"]
            info = {"device_id": device.id, "commune_code": device.commune_code, "name": device.name,
                    "response": str(args.out), "previous_device_id": p.get("previous_device_id", ""),
                    "same_device": p.get("same_device"), "new_device_reason": p.get("new_device_reason", "")}
            write_file(args.out, doc)  # inside the transaction: no response file, no enrolment
    except OSError as exc:
        raise refuse("file.unwritable", path=args.out, why=exc.strerror) from None
    if info["same_device"] is True:
        what = say(args.lang, "enrol.same")
    elif info["same_device"] is False:
        what = say(args.lang, "enrol.new", previous=info["previous_device_id"])
    else:
        what = say(args.lang, "enrol.first")
    info["hub_key_fingerprint"] = doc.get("key_fingerprint", "")
    return info, say(args.lang, "enrol.file", device=info["device_id"], name=info["name"],
                     commune=info["commune_code"], what=what, fingerprint=info["hub_key_fingerprint"], path=args.out)


def cmd_targets_file(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from sync.offline import write_file

    with db.session(write=True) as s:
        doc = offline.targets_file(s, args.commune, args.hub_url)
    try:
        write_file(args.out, doc)
    except OSError as exc:
        raise refuse("file.unwritable", path=args.out, why=exc.strerror) from None
    p = doc["payload"]
    return {"commune_code": p["commune_code"], "targets": p["targets"], "settings": p["settings"],
            "file": str(args.out)}, \
        say(args.lang, "targets.file", commune=p["commune_code"], name=p["commune_name"], count=len(p["targets"]),
            path=args.out)


def cmd_day_code(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        res = offline.accept_day_code(s, " ".join(args.code), actor="cli")
    t = res.totals
    status = say(args.lang, "daycode.duplicate" if res.status == "duplicate" else "daycode.stored")
    figures = ", ".join(f"{i.en_short if args.lang == 'en' else i.vi_short} {t[i.key]}" for i in indicators.REGISTRY)
    return res.to_dict(), say(args.lang, "daycode.result", status=status, commune=res.commune_code,
                              point=res.point_code, day=res.day, revision=res.revision, device=res.device_id,
                              figures=figures)


def cmd_day_code_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = offline.phone_rows(s, args.commune)
    data = [{"commune_code": r.commune_code, "point_code": r.point_code, "day": r.day.isoformat(),
             "device_id": r.device_id, "revision": r.revision, "totals": r.totals, "status": r.label,
             "superseded": r.superseded} for r in rows]
    text = "\n".join(say(args.lang, "daycode.row", commune=d["commune_code"], point=d["point_code"], day=d["day"],
                         revision=d["revision"], status=d["status"]) for d in data)
    return data, text or say(args.lang, "daycode.none")
