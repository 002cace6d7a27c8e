"""The USB file: the same sealed pages as the LAN, written one after another to a file.

Layout: frames of [4-byte length][sealed message]. Every frame's clear header names the file id, its
index and whether it is the last, all bound into the encryption: frames cannot be dropped, reordered or
taken from another file. Import reads and checks every frame first (nothing is stored when one fails),
then applies each page in its own transaction. A file already imported (its id in peer_seen) is answered
"already imported" and stores nothing; a file made earlier or later than another is fine (entries wait
for what they name).

Every page also carries the sender's roster of signing keys and the checkpoints covering its entries
(signing.py): the importer takes an entry only when its claimed author signed it (or it is unsigned history).
Files without them (older versions) are read as before, by the same rule.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.files import atomic_open
from desktop.changes import PEER_MERGE, Changes, declares
from desktop.models import PeerDevice, PeerSeen
from desktop.services.peer import changes, clones, exchange, filetips, forks, signing, stamp, unfinished
from desktop.services.peer.crypto import GroupKey, PeerRefused
from desktop.services.peer.group import group_key
from desktop.services.peer.ids import device_id, device_name
from desktop.services.peer.merge import apply_ops
from desktop.storage.db import Database

KIND = "file"
MAX_FRAMES = 10_000
MAX_FILE_BYTES = 8 * 1024 * 1024 * 1024


@dataclass
class ExportResult:
    path: str
    entries: int
    frames: int
    size: int


@dataclass
class ImportResult:
    already: bool = False
    received: int = 0
    duplicates: int = 0
    waiting: int = 0
    quarantined: int = 0  # entries kept aside: a field failed its check (peer status lists them)
    from_device: str = ""
    conflicts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # entries their claimed author did not sign (signing.py)
    # The file starts after something this laptop lacks (made for laptops that had more): sync again with
    # its maker, or ask for a full file (`peer export --all`).
    incomplete: bool = False


def _since(db: Database, everything: bool) -> dict[str, int]:
    """What every known laptop of the group already holds (element-wise minimum), or nothing."""
    if everything:
        return {}
    with db.read_session() as s:
        peers = [json.loads(p.last_vv) for p in s.query(PeerDevice).all()]
    if not peers:
        return {}
    origins = set().union(*peers)
    return {o: min(p.get(o, 0) for p in peers) for o in origins}


@declares(Changes(settings=True))
def export_file(db: Database, path: str | os.PathLike[str], *, everything: bool = False) -> ExportResult:
    key = group_key(db)
    since = _since(db, everything)
    with db.session() as s:
        stamp.stamp(s)
        signing.seal_own(s)
    with db.session() as s:
        me, name, vv = device_id(s), device_name(s), changes.version_vector(s)
        retracted, roster = forks.known(s), signing.roster(s)
        marks = filetips.marks(s, since)  # the sender's tips and bases: nothing withheld unsaid (filetips.py)
    file_id = secrets.token_hex(16)
    target = Path(path)
    entries = frames = 0
    with atomic_open(target) as f:  # 0600 (mkstemp): personal data in every page, like bundles
        cursor = dict(since)
        while True:
            with db.read_session() as s:  # a long export holds up no writer
                ops, chk, more = signing.page(s, cursor)
            for o in ops:
                cursor[o[0]] = max(cursor.get(o[0], 0), o[1])
            payload = {"device": me, "name": name, "vv": vv, "since": since, "ops": ops, "retracted": retracted,
                       "roster": roster, "chk": chk, **marks}
            sealed = key.seal(KIND, exchange.pack(payload), extra={"file": file_id, "frame": frames, "last": not more})
            f.write(struct.pack(">I", len(sealed)) + sealed)
            frames += 1
            entries += len(ops)
            if not more:
                break
    return ExportResult(str(target), entries, frames, target.stat().st_size)


def _frames(path: Path) -> Iterator[bytes]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PeerRefused("Tệp đồng bộ quá lớn: đã từ chối", en="The sync file is too large: refused")
    with path.open("rb") as f:
        for _ in range(MAX_FRAMES + 1):
            head = f.read(4)
            if not head:
                return
            if len(head) < 4:
                raise PeerRefused("Tệp đồng bộ bị cắt cụt: đã từ chối, không lưu gì",
                                  en="The sync file is truncated: refused, nothing stored")
            (n,) = struct.unpack(">I", head)
            if n > exchange.MAX_PAGE_BYTES:
                raise PeerRefused("Tệp đồng bộ có một phần quá lớn: đã từ chối, không lưu gì",
                                  en="A part of the sync file is too large: refused, nothing stored")
            data = f.read(n)
            if len(data) < n:
                raise PeerRefused("Tệp đồng bộ bị cắt cụt: đã từ chối, không lưu gì",
                                  en="The sync file is truncated: refused, nothing stored")
            yield data
    raise PeerRefused("Tệp đồng bộ có quá nhiều phần: đã từ chối",
                      en="The sync file has too many parts: refused")


def _pages(key: GroupKey, path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every frame opened and checked (order, file id, last flag), payload structure checked."""
    file_id = None
    last = False
    for index, data in enumerate(_frames(path)):
        if last:
            raise PeerRefused("Tệp đồng bộ có phần thừa sau phần cuối: đã từ chối, không lưu gì",
                              en="The sync file has extra data after its last part: refused, nothing stored")
        header, body = key.open(data, KIND)
        del data  # one page's bytes at a time: the generator's locals live while it waits at `yield`
        if file_id is None:
            file_id = header.get("file")
            if not isinstance(file_id, str) or len(file_id) != 32:
                raise PeerRefused("Tệp đồng bộ bị hỏng (thiếu mã tệp)",
                                  en="The sync file is damaged (its file id is missing)")
        if header.get("file") != file_id or header.get("frame") != index:
            raise PeerRefused("Tệp đồng bộ bị ghép hoặc đảo thứ tự các phần: đã từ chối, không lưu gì",
                              en="The parts of the sync file are joined or out of order: refused, nothing "
                                 "stored")
        last = header.get("last") is True
        payload = exchange.unpack(body)
        del body
        payload["ops"] = exchange.check_ops(payload.get("ops"))
        payload["vv"] = exchange.check_vv(payload.get("vv"))
        payload["chk"] = signing.check_checkpoints(payload.get("chk"))
        yield header, payload
    if not last:
        raise PeerRefused("Tệp đồng bộ bị cắt cụt (thiếu phần cuối): đã từ chối, không lưu gì",
                          en="The sync file is truncated (its last part is missing): refused, nothing "
                             "stored")


@declares(PEER_MERGE)
def import_file(db: Database, path: str | os.PathLike[str]) -> ImportResult:
    key = group_key(db)
    p = Path(path)
    if not p.is_file():
        raise PeerRefused(f"Không tìm thấy tệp {p.name}", en=f"File {p.name} not found")
    file_id = device = ""
    since: dict[str, int] = {}
    sender_vv: dict[str, int] = {}
    # pass 1: every frame authentic and well formed, and no entry showing a cloned laptop (clones.py) among
    # those their author signed (signing.py: a forged entry is refused as such, not taken for a clone)
    screen = signing.Screen(via="", record=False)
    for header, payload in _pages(key, p):
        file_id, device = header["file"], payload.get("device", "")
        since = exchange.check_vv(payload.get("since", {}))
        sender_vv = payload["vv"]
        with db.session() as s:  # forks taken back elsewhere: dropped here before anything is compared
            forks.merge_in(s, forks.check(payload.get("retracted")))
        with db.session() as s:
            screen.via, screen.name = str(device), str(payload.get("name", ""))[:80]
            signing.learn(s, payload.get("roster"), str(device))
        with db.session() as s:
            clones.check(s, screen.filter(s, forks.live(s, payload["ops"]), payload["chk"]))
            filetips.check(s, payload)
        del payload  # never two pages in memory: the next one is built while this name would hold the last
    with db.session() as s:
        clones.check(s, [], sender_vv)
        if device == device_id(s):
            raise PeerRefused("Tệp này do chính máy này xuất ra: nhập nó trên máy khác của xã",
                              en="This file was exported by this very laptop: import it on another laptop "
                                 "of the commune")
        if s.get(PeerSeen, "file:" + file_id) is not None:
            return ImportResult(already=True, from_device=str(device))
    result = ImportResult(from_device=str(device))
    name = ""
    with db.session() as s:  # committed before the first page: a cut from here on is told (unfinished.py)
        unfinished.begin(s, file_id, p.name)
    screen = signing.Screen(via=str(device), name=screen.name)
    for _header, payload in _pages(key, p):  # pass 2: one transaction per page
        with db.session() as s:
            r = apply_ops(s, payload["ops"], screen, payload["chk"])
        result.received += r.received
        result.duplicates += r.duplicates
        result.quarantined += r.quarantined
        result.waiting = r.waiting
        result.conflicts += r.conflicts
        sender_vv, name = payload["vv"], str(payload.get("name", ""))
        del payload
    with db.session() as s:
        s.add(PeerSeen(id="file:" + file_id, seen_at=dt.datetime.now().replace(microsecond=0)))
        exchange.note_peer(s, device, name, sender_vv, "file")
        unfinished.done(s, file_id)
        mine = changes.version_vector(s)
    result.refused = signing.refusal_lines(screen.refused)
    result.incomplete = any(mine.get(o, 0) < seq for o, seq in since.items())
    return result
