"""A merge's audit lines name the field and the laptop, never the values (docs/security.md), and
bookkeeping fields two laptops naturally differ in (created_at) are no conflict; the one real conflict (a name
spelled two ways) reaches `peer status` and the panel's data (`peer_status`)."""

from __future__ import annotations

import time
from pathlib import Path

from desktop.services.peer import group, usbfile
from desktop.services.peer.status import peer_status
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import add_person, laptop, register


def _swap(tmp_path: Path, src: Database, dst: Database, name: str) -> None:
    f = tmp_path / name
    usbfile.export_file(src, f, everything=True)
    usbfile.import_file(dst, f)


def _audit(db: Database) -> list[str]:
    with db.session() as s:
        return [d for (d,) in driver_connection(s).execute("SELECT detail FROM audit_log WHERE action = 'peer_merge'")]


def test_same_list_on_two_laptops_audits_only_the_real_conflict_without_values(tmp_path: Path) -> None:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code)
    given = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nam")
    people = [(f"Nguyễn {given[i // 10]} {given[i % 10]}", f"0010900{i:05d}") for i in range(100)]
    try:
        for name, number in people:
            add_person(a, name, number)
        time.sleep(1.1)  # b imports the list later: every created_at differs
        for i, (name, number) in enumerate(people):
            add_person(b, "Nguyễn An Khanh" if i == 7 else name, number)  # one name spelled another way
        _swap(tmp_path, a, b, "ab.epp")
        _swap(tmp_path, b, a, "ba.epp")
        assert register(a) == register(b)
        for db in (a, b):
            audit = _audit(db)
            assert len(audit) == 1, audit  # the one real conflict, not 100 lines about created_at
            assert "full_name" in audit[0]
            assert "Khánh" not in audit[0] and "Khanh" not in audit[0]  # no values
            assert not any(number in d for d in audit for _n, number in people)
            with db.session() as s:
                st = peer_status(s)
            fields = [d for _i, kind, d in st.conflicts if kind == "field"]
            assert len(fields) == 1 and "họ tên" in fields[0], st.conflicts
    finally:
        a.close()
        b.close()
