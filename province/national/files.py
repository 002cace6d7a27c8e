"""The roll-up by file, for a province hub whose link to the centre is down for long: the province hub writes
its pending signed batches to a file (`national send --out`), the national hub imports it and writes a file
of signed receipts (`national import FILE --receipt OUT`), and the province hub reads the receipts back
(`national receipt FILE`) and forgets the batches they acknowledge. The same batches, ids and checks as
online: a file imported twice stores nothing twice; a changed figure does not verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from province.db import HubDB
from province.national import intake, outbox, rollup
from province.national.rollup import RollupRefused
from sync import limits
from sync.protocol import ProtocolError, loads_bounded

FILE_FORMAT = "enrollpoint-national-file"
RECEIPTS_FORMAT = "enrollpoint-national-receipts"
MAX_FILE = 64 * 1024 * 1024
MAX_BATCHES = 2_000
_SHAPE = {"max_depth": limits.MAX_JSON_DEPTH, "max_items": MAX_FILE // 4, "max_string": 4096}  # ≤ 1 item per ~4 bytes


def _read(path: Path, fmt: str, key: str) -> list[Any]:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise RollupRefused(f"cannot read {path}: {exc.strerror}", vi=f"Không đọc được tệp {path}.") from None
    if len(data) > MAX_FILE:
        raise RollupRefused(f"{path} is larger than {MAX_FILE} bytes", vi=f"Tệp {path} quá lớn.", status=413)
    try:
        doc = loads_bounded(data, "file", **_SHAPE)
    except ProtocolError:
        raise RollupRefused(f"{path} is not a JSON file", vi=f"Tệp {path} không phải tệp JSON hợp lệ.") from None
    items = doc.get(key) if isinstance(doc, dict) and doc.get("format") == fmt else None
    if not isinstance(items, list) or len(items) > MAX_BATCHES:
        raise RollupRefused(f"{path} is not a {fmt} file", vi=f"Tệp {path} không đúng loại ({fmt}).")
    return items


def _write(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # whole or not at all


def write_batches(db: HubDB, path: Path, max_batches: int) -> int:
    """Compose every change into pending batches and write all pending ones to `path`; how many."""
    with db.session(write=True) as s:
        linked = outbox.link(s)
        if not linked:
            raise RollupRefused("not connected to a national hub: run `national connect` first",
                                vi="Chưa kết nối máy chủ toàn quốc: chạy `national connect` trước.")
        for _ in range(max_batches):
            if outbox.compose(s, linked[outbox.PROVINCE_KEY], new=True) is None:
                break
        wires = [json.loads(p.wire_json) for p in outbox.waiting(s)]
    _write(path, {"format": FILE_FORMAT, "batches": wires})
    return len(wires)


def import_batches(db: HubDB, path: Path, receipt: Path) -> dict[str, int]:
    """Each batch in its own transaction (all of it or none); the receipts file is written when all are in."""
    answers, stored, duplicates = [], 0, 0
    for wire in _read(path, FILE_FORMAT, "batches"):
        with db.session(write=True) as s:
            answer = intake.take_batch(s, wire)
        if answer["duplicate"]:
            duplicates += 1  # its first receipt again; nothing stored
        else:
            stored += int(answer["receipt"]["stored"])
        answers.append({"receipt": answer["receipt"], "signature": answer["signature"]})
    _write(receipt, {"format": RECEIPTS_FORMAT, "receipts": answers})
    return {"batches": len(answers), "stored": stored, "duplicates": duplicates}


def read_receipts(db: HubDB, path: Path) -> int:
    """Forget the pending batches whose receipts verify with the pinned national key; how many."""
    done = 0
    with db.session(write=True) as s:
        national_key = outbox.link(s).get(outbox.KEY_KEY, "")
        pending = {p.batch_id for p in outbox.waiting(s)}
        for answer in _read(path, RECEIPTS_FORMAT, "receipts"):
            batch_id = answer.get("receipt", {}).get("batch_id") if isinstance(answer, dict) else None
            if not isinstance(batch_id, str) or batch_id not in pending:
                continue
            if not rollup.receipt_valid(answer, national_key, batch_id):
                raise RollupRefused("a receipt does not verify with the national hub's pinned key: nothing changed",
                                    vi="Biên nhận không khớp khóa đã ghi nhận của máy chủ toàn quốc: không thay đổi gì.",
                                    status=403)
            outbox.delivered(s, batch_id)
            done += 1
    return done


REQUEST_FORMAT = "enrollpoint-national-enrol-request"
ANSWER_FORMAT = "enrollpoint-national-enrol-answer"


def _one(path: Path, fmt: str, key: str) -> dict[str, Any]:
    items = _read(path, fmt, key)
    if len(items) != 1 or not isinstance(items[0], dict):
        raise RollupRefused(f"{path} is not a {fmt} file", vi=f"Tệp {path} không đúng loại ({fmt}).")
    return items[0]


def write_request(path: Path, province: str, code: str, own_key: str) -> None:
    """Enrolment by file, province side: the province, its hub key and a proof of the code (an HMAC keyed by
    its hash); the code itself is never written, so a file found on the way cannot be used to forge an answer."""
    _write(path, {"format": REQUEST_FORMAT, "requests": [{"province": province, "hub_public_key": own_key,
                                                          "proof": intake.request_proof(code, province, own_key)}]})


def answer_request(db: HubDB, path: Path, out: Path) -> dict[str, Any]:
    """National side: enrol as online (the code spent, the key pinned) and write the answer file, whose
    national key is bound to the code (the province hub checks it with the code it holds)."""
    with db.session(write=True) as s:
        answer = intake.enrol_by_proof(s, _one(path, REQUEST_FORMAT, "requests"))
    _write(out, {"format": ANSWER_FORMAT, "answers": [answer]})
    return answer


def read_answer(path: Path) -> dict[str, Any]:
    return _one(path, ANSWER_FORMAT, "answers")
