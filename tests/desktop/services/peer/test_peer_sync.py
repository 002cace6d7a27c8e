"""Peer sync between a commune's laptops: real SQLite files, real files on disk, a real LAN
server on 127.0.0.1. Each test asserts what the officers would see: the same register on every laptop."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from desktop import config
from desktop.services.figures import dayclose
from desktop.services.peer import changes, group, lan, signing, usbfile
from desktop.services.peer.crypto import PeerRefused, code_of, secret_of
from desktop.services.register import statuses
from desktop.services.register.citizens import update_citizen
from desktop.services.scheduling.booking import book
from desktop.services.scheduling.enrollment_sessions import create_enrollment_session
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import COMMUNE, add_person, laptop, register

DAY = dt.date.today() + dt.timedelta(days=3)


def _pair(tmp_path: Path) -> tuple[Database, Database]:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    info = group.create_group(a)
    assert info.code is not None
    group.join_group(b, info.code, name="Máy 2")
    return a, b


def _swap(tmp_path: Path, src: Database, dst: Database, name: str = "x.epp") -> usbfile.ImportResult:
    f = tmp_path / name
    usbfile.export_file(src, f)
    return usbfile.import_file(dst, f)


def _count(db: Database, sql: str) -> int:
    with db.session() as s:
        return int(driver_connection(s).execute(sql).fetchone()[0])


def test_group_code_round_trip_and_typos() -> None:
    secret = bytes(range(20))
    code = code_of(secret)
    assert len(code.replace("-", "")) == 36 and secret_of(code.lower().replace("-", " ")) == secret
    with pytest.raises(PeerRefused, match="kiểm tra"):
        secret_of(code[:-1] + ("0" if code[-1] != "0" else "1"))


def test_usb_file_both_ways_converges_and_same_id_number_merges(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    an_a = add_person(a, "Nguyễn Thị Ân", "001190012345")
    add_person(b, "Nguyễn Thị Ân", "001190012345")  # the same village list imported on both laptops
    add_person(b, "Trần Văn Bình", None)
    with a.session() as s:
        statuses.record_event(s, an_a, "card_captured", point=1)
    first = _swap(tmp_path, a, b)
    assert first.received > 0 and not first.already
    _swap(tmp_path, b, a, "y.epp")
    assert register(a) == register(b)
    assert _count(b, "SELECT count(*) FROM citizens WHERE id_number = '001190012345'") == 1
    assert _count(b, "SELECT count(*) FROM citizens WHERE status = 'card_captured'") == 1


def test_import_twice_stores_nothing_new(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    add_person(a, "Lê Văn Cường", "001090011111")
    f = tmp_path / "a.epp"
    usbfile.export_file(a, f)
    assert usbfile.import_file(b, f).received > 0
    before = register(b)
    n_log = _count(b, "SELECT count(*) FROM peer_log")
    again = usbfile.import_file(b, f)
    assert again.already and again.received == 0
    assert register(b) == before and _count(b, "SELECT count(*) FROM peer_log") == n_log


def test_files_out_of_order_wait_then_apply(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    c = add_person(a, "Phạm Thị Dung", "001190022222")
    f1 = tmp_path / "1.epp"
    usbfile.export_file(a, f1)
    with a.session() as s:
        statuses.record_event(s, c, "card_captured", point=1)
    # the second file carries only what is new since a first sync (as after a first exchange)
    with a.session() as s:
        since = changes.version_vector(s)
    from desktop.services.peer import exchange

    with a.session() as s:
        exchange.note_peer(s, "b" * 32, "B", since, "file")
    f2 = tmp_path / "2.epp"
    usbfile.export_file(a, f2)
    r2 = usbfile.import_file(b, f2)  # the later file first: its event names a citizen b has not got
    assert r2.waiting == 1 and r2.incomplete  # and the officer is told the file is not all b lacks
    assert _count(b, "SELECT count(*) FROM status_events") == 0
    r1 = usbfile.import_file(b, f1)
    assert r1.waiting == 0
    assert register(a) == register(b)


def test_per_field_last_writer_wins_audits_the_field_not_the_values(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    cid = add_person(a, "Hoàng Văn Em", "001090033333")
    _swap(tmp_path, a, b)
    with b.session() as s:
        bid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = '001090033333'").fetchone()[0]
    with a.session() as s:
        update_citizen(s, cid, {"phone": "0912345678"})
    with b.session() as s:  # later edit of the same field on b, and another field
        update_citizen(s, bid, {"phone": "0987654321", "address": "Xóm 3"})
    _swap(tmp_path, a, b, "1.epp")
    _swap(tmp_path, b, a, "2.epp")
    ra, rb = register(a), register(b)
    assert ra == rb
    with a.session() as s:
        phone, address = driver_connection(s).execute(
            "SELECT phone, address FROM citizens WHERE id = ?", (cid,)).fetchone()
        audit = [d for (d,) in driver_connection(s).execute(
            "SELECT detail FROM audit_log WHERE action = 'peer_merge'")]
    assert (phone, address) == ("0987654321", "Xóm 3")
    assert any("phone" in d for d in audit)
    assert not any("0987654321" in d or "0912345678" in d for d in audit)  # values never in the audit


def test_two_appointments_in_one_session_are_kept_and_flagged(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    cid = add_person(a, "Võ Thị Giang", "001190044444")
    with a.session() as s:
        es = create_enrollment_session(s, point_id=1, day=DAY, start="07:30", end="11:30")
    _swap(tmp_path, a, b)
    with b.session() as s:
        conn = driver_connection(s)
        bid = conn.execute("SELECT id FROM citizens WHERE id_number = '001190044444'").fetchone()[0]
        bes = conn.execute("SELECT id FROM enrollment_sessions").fetchone()[0]
    with a.session() as s:
        book(s, cid, es.id)
    with b.session() as s:
        book(s, bid, bes)
    res = _swap(tmp_path, b, a, "1.epp")
    _swap(tmp_path, a, b, "2.epp")
    assert register(a) == register(b)
    assert _count(a, "SELECT count(*) FROM appointments") == 2  # neither dropped
    assert res.conflicts and "Võ Thị Giang" in res.conflicts[0]
    for db in (a, b):
        assert _count(db, "SELECT count(*) FROM peer_conflicts WHERE kind = 'double_booking'") == 1


def test_day_close_counts_only_own_events(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    ca = add_person(a, "Đỗ Văn Hải", "001090055555")
    cb = add_person(b, "Bùi Thị Lan", "001190066666")
    today = dt.date.today()
    with a.session() as s:
        statuses.record_event(s, ca, "card_captured", point=1)
    with b.session() as s:
        statuses.record_event(s, cb, "card_captured", point=1)
    _swap(tmp_path, a, b, "1.epp")
    _swap(tmp_path, b, a, "2.epp")
    for db in (a, b):
        assert _count(db, "SELECT count(*) FROM status_events WHERE event_type = 'card_captured'") == 2
        with db.session() as s:
            totals = dayclose.count_point_day(s, today, 1).totals
        assert totals["card_captured"] == 1  # its own, not the copy of the other laptop's


@pytest.mark.parametrize("case", ["outsider", "other_commune", "tampered", "truncated"])
def test_foreign_or_altered_files_are_refused_and_nothing_stored(tmp_path: Path, case: str) -> None:
    a, b = _pair(tmp_path)
    add_person(a, "Ngô Văn Minh", "001090077777")
    f = tmp_path / "a.epp"
    usbfile.export_file(a, f)
    if case == "outsider":
        target = laptop(tmp_path, "c")
        group.create_group(target)  # another group of the same commune
    elif case == "other_commune":
        target = laptop(tmp_path, "c", config.Commune(code="26734", name="Phường Sài Gòn", province_code="79"))
        code = group.create_group(a, replace=True).code  # the same code typed on another commune's laptop
        assert code is not None
        usbfile.export_file(a, f)
        group.join_group(target, code)
    else:
        target = b
        data = bytearray(f.read_bytes())
        if case == "tampered":
            data[len(data) // 2] ^= 0x01
        else:
            data = data[: len(data) - 10]
        f.write_bytes(bytes(data))
    before = _count(target, "SELECT count(*) FROM citizens"), _count(target, "SELECT count(*) FROM peer_log")
    with pytest.raises(PeerRefused) as err:
        usbfile.import_file(target, f)
    expected = {"outsider": "không thuộc nhóm", "other_commune": "không phải xã", "tampered": "thay đổi",
                "truncated": "cắt cụt"}[case]
    assert expected in err.value.message
    assert (_count(target, "SELECT count(*) FROM citizens"), _count(target, "SELECT count(*) FROM peer_log")) == before


def test_laptop_without_group_is_told_so(tmp_path: Path) -> None:
    a = laptop(tmp_path, "a")
    with pytest.raises(PeerRefused, match="chưa ở trong nhóm"):
        usbfile.export_file(a, tmp_path / "x.epp")


# --- LAN ----------------------------------------------------------------------------------------------------


def test_lan_sync_both_ways_in_one_run(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    ca = add_person(a, "Nguyễn Văn Phúc", "001090088888")
    cb = add_person(b, "Lý Thị Quyên", "001190099999")
    with a.session() as s:
        statuses.record_event(s, ca, "card_captured", point=1)
    with b.session() as s:
        statuses.record_event(s, cb, "card_captured", point=1)
    server = lan.PeerServer(a).start()
    try:
        r = lan.sync_with(b, f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    assert r.sent > 0 and r.received > 0
    assert register(a) == register(b)
    with a.session() as s:
        from desktop.services.peer.status import peer_status

        st = peer_status(s)
    assert [p.name for p in st.peers] == ["Máy 2"] and st.peers[0].waiting == 0


def test_lan_cut_mid_transfer_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _pair(tmp_path)
    given = ["An", "Bình", "Cúc", "Dũng", "Em", "Giang", "Hà", "Khánh", "Lan", "Minh"]
    for i in range(30):
        add_person(a, f"Nguyễn {given[i // 10]} {given[i % 10]}", f"0010900{i:05d}")
    monkeypatch.setattr(changes, "PAGE_OPS", 7)
    monkeypatch.setattr(signing, "CHECK_EVERY", 5)  # pages end at a signed checkpoint: small ones here too
    server = lan.PeerServer(a).start()
    cancel = threading.Event()
    try:
        def cut(phase: str, done: int, total: int) -> None:
            if phase == "receive" and done >= 7:
                cancel.set()  # the cable is pulled after the first page

        with pytest.raises(lan.Cancelled):
            lan.sync_with(b, f"127.0.0.1:{server.port}", progress=cut, cancel=cancel)
        got = _count(b, "SELECT count(*) FROM citizens")
        assert 0 < got < 30
        lan.sync_with(b, f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    assert register(a) == register(b)
    assert _count(b, "SELECT count(*) FROM citizens") == 30


def test_lan_refuses_outsider_and_replay(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    add_person(a, "Trịnh Văn Sơn", "001090012121")
    outsider = laptop(tmp_path, "c")
    group.create_group(outsider)
    server = lan.PeerServer(a).start()
    try:
        with pytest.raises(PeerRefused, match="không thuộc nhóm"):
            lan.sync_with(outsider, f"127.0.0.1:{server.port}")
        assert _count(outsider, "SELECT count(*) FROM citizens WHERE id_number IS NOT NULL") == 0
        # a recorded request sent again is refused
        import http.client

        key = group.group_key(b)
        from desktop.services.peer import exchange

        headers, sealed = lan.seal_request(key, {"op": "pull", "vv": {}})
        assert exchange  # the page format the request carries
        statuses_seen = []
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("POST", lan.PATH, body=sealed, headers=headers)
            resp = conn.getresponse()
            statuses_seen.append((resp.status, resp.read()))
            conn.close()
        assert statuses_seen[0][0] == 200 and statuses_seen[1][0] == 403
        assert "gửi lại" in statuses_seen[1][1].decode("utf-8")
        # nothing personal in the clear on the wire
        assert "Trịnh".encode() not in statuses_seen[0][1] and b"001090012121" not in statuses_seen[0][1]
    finally:
        server.stop()


# --- the upgrade ------------------------------------------------------------------------------------------


def test_upgrade_backfills_ids_and_keeps_every_record(tmp_path: Path) -> None:
    from desktop.storage import migrations
    from desktop.storage.db import create_db_engine, open_database

    path = tmp_path / "old.db"
    engine = create_db_engine(path)
    migrations.upgrade(engine, "0004_known_status_village_targets")
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        con.execute("INSERT INTO settings(key, value) VALUES ('commune.code', '22736')")
        con.execute("INSERT INTO points (id, code, name, address, kind, active) VALUES (1, 'P1', 'Trụ sở', '', 'office', 1)")
        for i in range(1, 4):
            con.execute(
                "INSERT INTO citizens (id, id_number, full_name_raw, full_name, family_name, middle_name, given_name,"
                " name_key, given_key, sort_given, sort_family, village, village_key, address, needs_home_visit,"
                " elderly, disabled, note, search_text, status, has_card, vneid_stage, created_at, updated_at)"
                " VALUES (?, ?, 'A', 'A', '', '', 'A', 'a', 'a', 'a', 'a', 'Thôn 1', 'thon 1', '', 0, 0, 0, '', 'a',"
                " 'card_captured', 1, 0, '2026-01-01 08:00:00.000000', '2026-01-01 08:00:00.000000')",
                (i, f"00109001000{i}" if i < 3 else None))
            con.execute(
                "INSERT INTO status_events (citizen_id, event_type, occurred_at, occurred_on, point_id, note,"
                " recorded_at) VALUES (?, 'card_captured', '2026-01-02 09:00:00.000000', '2026-01-02', 1, '',"
                " '2026-01-02 09:00:00.000000')", (i,))
    con.close()
    db = open_database(path, encrypted=False)
    try:
        with db.session() as s:
            conn = driver_connection(s)
            dev = config.get(s, "peer.device_id")
            assert len(dev) == 32
            for table, n in (("citizens", 3), ("status_events", 3), ("points", 1)):
                rows = conn.execute(f"SELECT gid, origin FROM {table}").fetchall()
                assert len(rows) == n and all(g and o == dev for g, o in rows)
            from desktop.services.peer.ids import citizen_gid

            assert conn.execute("SELECT gid FROM citizens WHERE id = 1").fetchone()[0] == citizen_gid(
                "22736", "001090010001")
            statuses_kept = conn.execute("SELECT status FROM citizens").fetchall()
            assert statuses_kept == [("card_captured",)] * 3
            from desktop.services.peer.stamp import stamp

            assert stamp(s) == 7  # the whole register becomes this laptop's history, once
            assert stamp(s) == 0
        with db.session() as s:
            assert dayclose.count_point_day(s, dt.date(2026, 1, 2), 1).totals["card_captured"] == 3
    finally:
        db.close()


def test_commune_fixture_is_consistent() -> None:
    assert COMMUNE.code == "22736"


def test_id_number_given_later_keeps_both_and_asks_the_supervisor(tmp_path: Path) -> None:
    """A number typed later onto a walk-in, already held by a list person on another laptop: the merge fuses
    nobody (it used to delete one of the two); both kept, the same on every laptop, listed as a conflict."""
    a, b = _pair(tmp_path)
    walk_in = add_person(a, "Lương Thị Nga", None)  # typed at the desk without the number
    with a.session() as s:
        statuses.record_event(s, walk_in, "attended", point=1)
    _swap(tmp_path, a, b, "0.epp")
    with a.session() as s:
        update_citizen(s, walk_in, {"id_number": "001190013131"})
    c = laptop(tmp_path, "c")
    code = group.create_group(a, replace=True).code
    assert code is not None
    for db in (b, c):
        group.join_group(db, code)
    add_person(c, "Lương Thị Nga", "001190013131")  # the village list imported on a third laptop
    for _round in range(2):  # a file holds what the laptops its maker has heard from lack: two rounds
        for src, dst in ((a, c), (c, a), (c, b), (a, b), (b, c), (b, a)):
            _swap(tmp_path, src, dst, "z.epp")
    regs = [register(db) for db in (a, b, c)]
    assert regs[0] == regs[1] == regs[2]
    for db in (a, b, c):
        assert _count(db, "SELECT count(*) FROM citizens WHERE id_number = '001190013131'") == 1
        assert _count(db, "SELECT count(*) FROM citizens") == 2
        assert _count(db, "SELECT count(*) FROM status_events") == 1
        assert _count(db, "SELECT count(*) FROM peer_conflicts WHERE kind = 'id_number_clash'") == 1


def test_lan_refuses_another_communes_laptop_and_a_cloned_laptop(tmp_path: Path) -> None:
    a, _b = _pair(tmp_path)
    add_person(a, "Trịnh Văn Sơn", "001090012121")
    code = group.create_group(a, replace=True).code
    assert code is not None
    other = laptop(tmp_path, "c", config.Commune(code="26734", name="Phường Sài Gòn", province_code="79"))
    group.join_group(other, code)  # the code is right, the commune is not
    server = lan.PeerServer(a).start()
    try:
        with pytest.raises(PeerRefused, match="không thuộc nhóm máy của xã") as refused:
            lan.sync_with(other, f"127.0.0.1:{server.port}")
        assert "22736" not in str(refused.value)  # a stranger is not told the commune
        assert _count(other, "SELECT count(*) FROM citizens") == 0
        with pytest.raises(PeerRefused, match="cùng mã máy"):  # a laptop restored from A's backup
            lan.sync_with(a, f"127.0.0.1:{server.port}")
        assert _count(a, "SELECT count(*) FROM peer_devices") == 0  # and it is not taken for a peer
    finally:
        server.stop()


def test_an_earlier_edit_stamped_later_does_not_win(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    cid = add_person(a, "Đinh Văn Tú", "001090014141")
    _swap(tmp_path, a, b, "0.epp")
    _swap(tmp_path, b, a, "1.epp")
    with a.session() as s:  # edited this morning on a, not synced since
        update_citizen(s, cid, {"phone": "0911111111"})
        driver_connection(s).execute("UPDATE citizens SET updated_at = datetime('now', 'localtime', '-3 hours')"
                                     " WHERE id = ?", (cid,))
    with b.session() as s:  # edited at noon on b
        bid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = '001090014141'").fetchone()[0]
        update_citizen(s, bid, {"phone": "0922222222"})
    _swap(tmp_path, b, a, "2.epp")  # a stamps its morning edit only now, with the morning's time
    _swap(tmp_path, a, b, "3.epp")
    assert register(a) == register(b)
    with a.session() as s:
        assert driver_connection(s).execute("SELECT phone FROM citizens WHERE id = ?", (cid,)).fetchone()[0] == (
            "0922222222")
