"""Admin commands that carry the hub's work on files: a USB bundle in (with its receipt out), enrolment
by file, a commune's signed targets file, and day codes read over the phone. Handlers return (data for
--json, text for humans), as in `province.cli`, which wires them into the parser.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from province import offline
from province.db import HubDB
from sync import indicators


class UsageError(Exception):
    """Unusable input named in one line; the CLI exits 2."""


def cmd_import_bundle(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from province.bundle_import import (
        ALREADY_RECEIVED_EN,
        ALREADY_RECEIVED_VI,
        BundleError,
        import_bundle,
        import_bundle_with_receipt,
        stored_now,
    )
    from sync.offline import write_file

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if args.receipt:
            result, receipt = import_bundle_with_receipt(db, data)
        else:
            result = import_bundle(db, data)
    except BundleError as exc:
        raise UsageError(f"bundle refused ({exc.status}): {exc.reason}") from None
    if args.receipt:
        try:
            write_file(args.receipt, receipt)
        except OSError as exc:
            raise UsageError(f"imported, but cannot write the receipt {args.receipt}: {exc.strerror}") from None
        result["receipt"] = str(args.receipt)
    b = result["batches"]
    tot = stored_now(b)
    result["stored_now"] = tot
    lines = [f"{len(b)} batches from device {result['device_id']} (commune {result['commune_code']}): "
             f"{tot['imported']} imported, {tot['updated']} updated, {tot['ignored']} ignored, "
             f"{tot['conflicts']} conflicts."]
    lines += [f"Batch {x['batch_id']} ({len(x.get('results', []))} reports): {ALREADY_RECEIVED_VI} "
              f"({ALREADY_RECEIVED_EN})." for x in b if x.get("replayed")]
    if args.receipt:
        lines.append(f"Receipt written to {args.receipt} (carry it back to the commune laptop).")
    return result, "\n".join(lines)


def _read_small(path: str) -> bytes:
    from sync.offline import MAX_SMALL_FILE_BYTES

    try:
        with open(path, "rb") as f:
            return f.read(MAX_SMALL_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def cmd_enrol_file(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from sync.offline import write_file

    data = _read_small(args.request)
    try:
        with db.session(write=True) as s:
            doc, device = offline.enrol_from_file(s, data)
            p = doc["payload"]
            info = {"device_id": device.id, "commune_code": device.commune_code, "name": device.name,
                    "response": str(args.out), "previous_device_id": p.get("previous_device_id", ""),
                    "same_device": p.get("same_device"), "new_device_reason": p.get("new_device_reason", "")}
            write_file(args.out, doc)  # inside the transaction: no response file, no enrolment
    except offline.OfflineRefused as exc:
        raise UsageError(f"request refused: {exc.message}") from None
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
    if info["same_device"] is True:
        what = "re-enrolled: the same device (its re-sent days are not counted twice)"
    elif info["same_device"] is False:
        what = (f"enrolled as a NEW device: the request asked to keep device {info['previous_device_id']}, "
                "which this hub does not know (another or a new hub)")
    else:
        what = "enrolled"
    info["hub_key_fingerprint"] = doc.get("key_fingerprint", "")
    return info, (f"Device {info['device_id']} ({info['name']}) of commune {info['commune_code']} {what}.\n"
                  f"Hub key fingerprint (the laptop shows the same): {info['hub_key_fingerprint']}\n"
                  f"Response written to {args.out}: carry it back to the laptop (enrollpoint connect "
                  "--response-file).")


def cmd_targets_file(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    from sync.offline import write_file

    with db.session(write=True) as s:
        doc = offline.targets_file(s, args.commune, args.hub_url)
    try:
        write_file(args.out, doc)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
    p = doc["payload"]
    return {"commune_code": p["commune_code"], "targets": p["targets"], "settings": p["settings"],
            "file": str(args.out)}, \
        f"Targets of {p['commune_code']} {p['commune_name']} ({len(p['targets'])}) written to {args.out}."


def cmd_day_code(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    try:
        with db.session(write=True) as s:
            res = offline.accept_day_code(s, " ".join(args.code), actor="cli")
    except offline.OfflineRefused as exc:
        raise UsageError(f"day code refused: {exc.message}") from None
    t = res.totals
    return res.to_dict(), (
        f"{'Already received' if res.status == 'duplicate' else 'Stored as provisional (tạm, qua điện thoại)'}: "
        f"commune {res.commune_code} point {res.point_code} {res.day} revision {res.revision} (device "
        f"{res.device_id}): " + ", ".join(f"{i.en_short} {t[i.key]}" for i in indicators.REGISTRY) + ".")


def cmd_day_code_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = offline.phone_rows(s, args.commune)
    data = [{"commune_code": r.commune_code, "point_code": r.point_code, "day": r.day.isoformat(),
             "device_id": r.device_id, "revision": r.revision, "totals": r.totals, "status": r.label,
             "superseded": r.superseded} for r in rows]
    text = "\n".join(f"{d['commune_code']}\t{d['point_code']}\t{d['day']}\tlần {d['revision']}\t{d['status']}"
                     for d in data)
    return data, text or "No day codes received."
