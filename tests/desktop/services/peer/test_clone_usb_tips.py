"""A USB import must not withhold entries unsaid either: a file carries its sender's highest entry per origin
(tips) and its entry where the file starts (bases), and the import compares both with what it holds in its
first pass, before anything is stored. Real SQLite files and USB files; P's file is made for a fourth laptop
R that already holds P's capture, so the file itself holds nothing under P's id that Q could compare."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.services.peer import clones, group, usbfile
from desktop.services.peer.crypto import PeerRefused
from desktop.storage.db import Database, open_database
from tests.support.peers import add_person, attended, capture, lan_sync, laptop, register, swap

ONE, TWO, THREE = "001190012345", "001090054321", "001090054322"






def _four(tmp_path: Path) -> tuple[Database, Database, Database, Database]:
    """P, Q and R share a group and P's list; C is P's database copied by hand (one device id)."""
    p, q, r = laptop(tmp_path, "p"), laptop(tmp_path, "q"), laptop(tmp_path, "r")
    code = group.create_group(p).code
    assert code is not None
    for db in (q, r):
        group.join_group(db, code)
    for name, number in (("Nguyễn Thị Ân", ONE), ("Trần Văn Bình", TWO), ("Lê Văn Cường", THREE)):
        add_person(p, name, number)
    swap(tmp_path, p, q, "first")
    lan_sync(p, r)
    p.close()
    shutil.copy(tmp_path / "p.db", tmp_path / "c.db")
    p = open_database(tmp_path / "p.db", encrypted=False)
    c = open_database(tmp_path / "c.db", encrypted=False)
    group.join_group(c, code)
    return p, q, r, c


@pytest.mark.parametrize("more", [False, True], ids=["tip", "base"])
def test_a_usb_file_that_would_withhold_a_capture_is_refused_with_the_clone_words(tmp_path: Path,
                                                                                    more: bool) -> None:
    p, q, r, c = _four(tmp_path)
    try:
        capture(c, TWO)  # the clone's work under (P, n)
        capture(p, ONE)  # P's real work under the same (P, n)
        lan_sync(p, r)  # R holds P's (P, n): P's next file is made for R and starts after it
        if more:
            capture(p, THREE)  # (P, n + 1): in the file, on top of what Q holds under (P, n)
        swap(tmp_path, c, q, "c-q")  # Q holds C's (P, n)
        f = tmp_path / "p-for-r.epp"
        made = usbfile.export_file(p, f)
        assert made.entries == (1 if more else 0)
        before = register(q)
        with pytest.raises(PeerRefused, match="reidentify") as refused:
            usbfile.import_file(q, f)  # not "Đã nhập 0 thay đổi" while P's capture of citizen 1 is withheld
        assert "mã máy" in refused.value.message
        assert register(q) == before  # nothing stored

        with pytest.raises(PeerRefused, match="reidentify"):
            swap(tmp_path, q, p, "q-p")  # P, given Q's file, is told it is one of two copies
        with p.session() as s:  # the cure the words tell, on ONE of the two copies, then sync again
            clones.reidentify(s)
        for other in (q, r, c):
            lan_sync(other, p)
        for _round in range(2):
            for x in (p, q, r, c):
                for y in (p, q, r, c):
                    if x is not y:
                        swap(tmp_path, x, y, "round")
        regs = [register(db) for db in (p, q, r, c)]
        assert all(reg == regs[0] for reg in regs)
        for db in (p, q, r, c):
            assert attended(db) == sorted([ONE, TWO, THREE] if more else [ONE, TWO])  # each capture once
    finally:
        for db in (p, q, r, c):
            db.close()


def test_a_file_without_marks_from_an_older_laptop_is_still_read(tmp_path: Path) -> None:
    """Rolling upgrade: the marks are extra keys; a page without them is compared on its entries only."""
    p, q = laptop(tmp_path, "p"), laptop(tmp_path, "q")
    code = group.create_group(p).code
    assert code is not None
    group.join_group(q, code)
    add_person(p, "Nguyễn Thị Ân", ONE)
    try:
        with p.session() as s:
            from desktop.services.peer import filetips

            marks = filetips.marks(s, {})
        assert set(marks) == {"tips", "bases"} and marks["bases"] == {}
        filetips_free = tmp_path / "old.epp"
        usbfile.export_file(p, filetips_free)
        r = usbfile.import_file(q, filetips_free)
        assert r.received > 0 and attended(q) == []
    finally:
        p.close()
        q.close()
