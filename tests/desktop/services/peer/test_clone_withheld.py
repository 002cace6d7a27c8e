"""A clone (P's database copied by hand, not through `restore`) must not make P's real capture
vanish from Q. The LAN sync that would withhold entries says so (PeerRefused: the CLI exits 2); after the
clone is resolved as the messages say, every real event of every laptop reaches every laptop, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.services.figures import dayclose
from desktop.services.peer import clones, group
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.ids import device_id
from desktop.storage.db import Database, open_database
from tests.support.peers import add_person, attended, capture, lan_sync, laptop, register, swap, today

ONE, TWO = "001190012345", "001090054321"






def _three(tmp_path: Path) -> tuple[Database, Database, Database]:
    p, q = laptop(tmp_path, "p"), laptop(tmp_path, "q")
    code = group.create_group(p).code
    assert code is not None
    group.join_group(q, code)
    add_person(p, "Nguyễn Thị Ân", ONE)
    add_person(p, "Trần Văn Bình", TWO)
    swap(tmp_path, p, q, "first")
    p.close()
    shutil.copy(tmp_path / "p.db", tmp_path / "c.db")  # a plain file copy: no `restore`, so no new peer id
    p = open_database(tmp_path / "p.db", encrypted=False)
    c = open_database(tmp_path / "c.db", encrypted=False)
    group.join_group(c, code)
    with p.session() as s1, c.session() as s2:
        assert device_id(s1) == device_id(s2)
    return p, q, c


def _everyone_meets_everyone(tmp_path: Path, dbs: tuple[Database, ...]) -> None:
    for _round in range(2):
        for x in dbs:
            for y in dbs:
                if x is not y:
                    lan_sync(x, y)
                    swap(tmp_path, x, y, "round")


def _all_there(p: Database, q: Database, c: Database) -> None:
    regs = [register(db) for db in (p, q, c)]
    assert regs[0] == regs[1] == regs[2]
    for db in (p, q, c):
        assert attended(db) == sorted([ONE, TWO])  # each capture once, none lost
    for db, mine in ((p, 1), (c, 1), (q, 0)):  # each laptop's day close counts its own capture, once
        with db.session() as s:
            assert dayclose.count_point_day(s, today(), 1).totals["attended"] == mine


@pytest.mark.parametrize("who", ["p", "c", "both"])
def test_a_clone_never_makes_a_real_capture_vanish(tmp_path: Path, who: str) -> None:
    p, q, c = _three(tmp_path)
    try:
        capture(c, TWO)  # the clone's work, under P's id and P's next sequence number
        capture(p, ONE)  # P's real work under that same number
        swap(tmp_path, c, q, "c-q")  # Q now holds C's entry under (P, n)
        with pytest.raises(PeerRefused, match="mã máy"):
            lan_sync(p, q)  # not "gửi 0, nhận 0" while P's capture is withheld
        with pytest.raises(PeerRefused, match="reidentify"):
            lan_sync(q, p)  # P, asking Q, is told it is one of two copies
        with pytest.raises(PeerRefused, match="reidentify"):
            swap(tmp_path, p, c, "p-c")  # C, given P's file, too
        cured = {"p": (p,), "c": (c,), "both": (c, p)}[who]
        for db in cured:  # on ONE of the two, as the message says ("both": an officer did it twice)
            with db.session() as s:
                clones.reidentify(s)
        for db in cured:  # "… rồi đồng bộ lại": that laptop syncs with the others
            for other in (p, q, c):
                if other is not db:
                    lan_sync(other, db)
        _everyone_meets_everyone(tmp_path, (p, q, c))
        _all_there(p, q, c)
    finally:
        for db in (p, q, c):
            db.close()
