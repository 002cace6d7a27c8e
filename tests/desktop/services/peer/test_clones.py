"""Cloned laptops: a database copied from another laptop's backup has its device id. A USB file
shows it (refused, nothing stored); `peer reidentify` gives the copy a new id and nothing is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop import config
from desktop.cli import main
from desktop.services.figures import dayclose
from desktop.services.peer import clones, group, usbfile
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.ids import device_id
from desktop.services.register import statuses
from desktop.settings_keys import KEY_CLONE_FROM
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database, open_database
from tests.support.peers import add_person, laptop, register, today


def _swap(tmp_path: Path, src: Database, dst: Database, name: str) -> usbfile.ImportResult:
    f = tmp_path / f"{name}.epp"
    usbfile.export_file(src, f, everything=True)
    return usbfile.import_file(dst, f)


def _log_size(db: Database) -> int:
    with db.session() as s:
        return int(driver_connection(s).execute("SELECT count(*) FROM peer_log").fetchone()[0])


def _dev(db: Database) -> str:
    with db.session() as s:
        return device_id(s)


def _attend(db: Database, id_number: str) -> None:
    with db.session() as s:
        cid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = ?", (id_number,)).fetchone()[0]
        statuses.record_event(s, cid, "attended", point=1)


def _clone(tmp_path: Path) -> tuple[Database, Database, Database, str]:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code)
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    add_person(a, "Trần Văn Bình", "001090054321")
    _swap(tmp_path, a, b, "first")
    a.close()
    shutil.copy(tmp_path / "a.db", tmp_path / "a2.db")  # the backup restored on a second laptop
    a = open_database(tmp_path / "a.db", encrypted=False)
    a2 = open_database(tmp_path / "a2.db", encrypted=False)
    group.join_group(a2, code)  # the group secret is per database in the keyring: joined again
    assert _dev(a) == _dev(a2)
    return a, a2, b, code


def test_usb_import_detects_a_clone_and_reidentify_heals_it(tmp_path: Path) -> None:
    a, a2, b, _code = _clone(tmp_path)
    try:
        old = _dev(a)
        _attend(a, "001190012345")  # the original's work
        _attend(a2, "001090054321")  # the copy's work, under the same id and sequence numbers
        assert _swap(tmp_path, a, b, "a-b").received > 0
        before = _log_size(b)
        with pytest.raises(PeerRefused, match="cùng (mang )?mã máy"):
            _swap(tmp_path, a2, b, "a2-b")  # b already holds the original's entry under that number
        assert _log_size(b) == before  # nothing stored
        with pytest.raises(PeerRefused, match="reidentify"):
            _swap(tmp_path, a, a2, "a-a2")  # its "own" file, but with other content: a clone, not a mistake
        with pytest.raises(PeerRefused, match="cùng (mang )?mã máy"):
            _swap(tmp_path, b, a2, "b-a2")
        with a2.session() as s:
            assert config.get(s, KEY_CLONE_FROM)  # where the copies part, for reidentify
            r = clones.reidentify(s)
        assert r.old_id == old and r.new_id != old and r.reissued >= 1
        assert _dev(a2) == r.new_id and _dev(a) == old
        for _round in range(2):  # everyone meets everyone: now accepted
            for x, y in ((a, b), (b, a), (a2, b), (b, a2), (a, a2), (a2, a)):
                _swap(tmp_path, x, y, "round")
        regs = [register(db) for db in (a, a2, b)]
        assert regs[0] == regs[1] == regs[2]
        origins = sorted(e[4] for e in regs[0]["events"] if e[2] == "attended")  # type: ignore[index,union-attr]
        assert origins == sorted([old, r.new_id])  # both attendances kept, each under its laptop
        for db in (a, a2):  # each laptop's day close counts its own attendance, once
            with db.session() as s:
                assert dayclose.count_point_day(s, today(), 1).totals["attended"] == 1
        with b.session() as s:
            assert dayclose.count_point_day(s, today(), 1).totals["attended"] == 0
    finally:
        for db in (a, a2, b):
            db.close()


def test_a_laptop_importing_its_own_file_is_not_a_clone(tmp_path: Path) -> None:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code)
    try:
        add_person(a, "Nguyễn Thị Ân", "001190012345")
        _swap(tmp_path, a, b, "ab")
        _swap(tmp_path, b, a, "ba")  # the other laptop sends back what it holds of a's: the same entries
        with pytest.raises(PeerRefused, match="chính máy này"):
            _swap(tmp_path, a, a, "aa")
    finally:
        a.close()
        b.close()


def test_reidentify_command_needs_a_supervisor(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    data = str(tmp_path / "data")
    monkeypatch.setenv("ENROLLPOINT_PIN", "2468")
    assert main(["operator", "add", "Nguyễn Văn Trưởng", "--role", "supervisor", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["peer", "reidentify", "--data-dir", data, "--json"]) == 2
    assert "--by" in capsys.readouterr().err
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    assert main(["peer", "reidentify", "--by", "Nguyễn Văn Trưởng", "--data-dir", data, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["peer", "reidentify", "--by", "Nguyễn Văn Trưởng", "--data-dir", data, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["old_device_id"] == first["device_id"] != second["device_id"]
