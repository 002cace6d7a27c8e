"""The change-log clock: counters never overflow and order as numbers, a remote stamp far
ahead is merged but never adopted, a poisoned stamp is clamped the same way everywhere (on the wire and by
migration 0007), and a new edit of such a field then wins on every laptop. Real SQLite files and USB files."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import config
from desktop.services.peer import group, hlc, usbfile
from desktop.services.peer.hlc import HLC, canonical, hlc_parse
from desktop.services.peer.ids import device_id
from desktop.services.peer.stamp import stamp
from desktop.services.register.citizens import update_citizen
from desktop.settings_keys import KEY_HLC
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database, open_database
from tests.support.peers import add_person, laptop, register

STRICT = re.compile(r"^\d{13}\.\d{5}\.[0-9a-f]+$")
DAY_MS = 24 * 3600 * 1000


def _pair(tmp_path: Path) -> tuple[Database, Database]:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code, name="Máy 2")
    return a, b


def _swap(tmp_path: Path, src: Database, dst: Database, name: str) -> usbfile.ImportResult:
    f = tmp_path / name
    usbfile.export_file(src, f)
    return usbfile.import_file(dst, f)


def _one(db: Database, sql: str, *args: object) -> object:
    with db.session() as s:
        row = driver_connection(s).execute(sql, args).fetchone()
        return row[0] if row else None


def _set_clock(db: Database, value: str) -> None:
    with db.session() as s:
        config.put(s, KEY_HLC, value)


def _phone(db: Database, id_number: str) -> object:
    return _one(db, "SELECT phone FROM citizens WHERE id_number = ?", id_number)


# --- the clock alone ------------------------------------------------------------------------------------


def test_200000_ticks_in_one_millisecond_never_overflow(monkeypatch) -> None:
    monkeypatch.setattr(hlc, "now_ms", lambda: 1_765_000_000_000)
    clock = HLC("ab")
    stamps = [clock.tick(1_765_000_000_000) for _ in range(200_000)]
    assert all(STRICT.match(s) for s in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # text order = issue order
    nums = [hlc_parse(s)[:2] for s in stamps]
    assert nums == sorted(nums) and max(c for _m, c in nums) == hlc.COUNTER_MAX
    assert nums[-1][0] == 1_765_000_000_000 + 1  # the physical part carried, by 1 ms per 100,000


def test_old_overflowed_and_poisoned_stamps_read_the_same_everywhere() -> None:
    assert canonical("1765000000000.100005.ab") == "1765000000001.00005.ab"
    assert canonical("1765000000000.99999.ab") == "1765000000000.99999.ab"
    assert canonical("9999999999999.99999.ab") == f"{hlc.CLAMP_MS:013d}.99999.ab"
    olds = ["1765000000000.99999.ab", "1765000000000.100000.ab", "1765000000001.00001.ab"]
    assert sorted(olds) != olds  # as text the old 6-digit counter sorted wrongly
    assert sorted(canonical(s) for s in olds) == [canonical(s) for s in olds]


def test_a_stamp_a_day_ahead_is_not_adopted(monkeypatch) -> None:
    now = 1_765_000_000_000
    monkeypatch.setattr(hlc, "now_ms", lambda: now)
    clock = HLC("ab")
    assert clock.observe(f"{now + 3600_000:013d}.00007.cd")  # an hour ahead: adopted (drift happens)
    assert (clock.ms, clock.counter) == (now + 3600_000, 7)
    assert not clock.observe(f"{now + DAY_MS + 1:013d}.00000.cd")
    assert not clock.observe("9999999999999.99999.cd") or clock.ms < now + DAY_MS
    assert clock.ms == now + 3600_000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.tuples(st.just("tick"), st.integers(-10_000, 10_000)),
    st.tuples(st.just("observe"), st.integers(-5 * DAY_MS, 5 * DAY_MS), st.integers(0, 2_000_000)),
    st.tuples(st.just("wall"), st.integers(-5_000, 5_000)),
), max_size=80))
def test_clock_property(ops: list[tuple[int, ...]]) -> None:
    """Whatever it sees: issued stamps strictly increase (as text and as numbers), are canonical, and the
    clock never holds a physical time more than a day past the wall clock it has seen."""
    wall = [1_765_000_000_000]
    real = hlc.now_ms
    hlc.now_ms = lambda: wall[0]  # type: ignore[assignment]
    try:
        clock = HLC("ab")
        issued: list[str] = []
        for op in ops:
            if op[0] == "tick":
                issued.append(clock.tick(wall[0] + op[1]))
            elif op[0] == "observe":
                clock.observe(f"{max(0, wall[0] + op[1]):013d}.{op[2]:05d}.cd")
            else:
                wall[0] += op[1]
            assert clock.ms <= max(wall[0], 1_765_000_000_000) + DAY_MS + 10_000
        assert all(STRICT.match(s) for s in issued)
        assert issued == sorted(issued) and len(set(issued)) == len(issued)
        assert [hlc_parse(s)[:2] for s in issued] == sorted(hlc_parse(s)[:2] for s in issued)
    finally:
        hlc.now_ms = real  # type: ignore[assignment]


# --- laptops --------------------------------------------------------------------------------------------


def test_an_import_past_99999_in_one_ms_is_accepted_by_the_other_laptop(tmp_path: Path) -> None:
    """Counters past 99,999 were written as 6 digits and refused ("sai cấu trúc") for good."""
    a, b = _pair(tmp_path)
    with a.session() as s:
        dev = device_id(s)
    ahead = hlc.now_ms() + 60_000  # the clock a minute ahead (adopted earlier): every stamp uses its counter
    _set_clock(a, f"{ahead:013d}.99990.{dev}")
    for i in range(30):
        add_person(a, "Người " + "ABCDEFGHIKLMNOPQRSTUVXYZ"[i % 24] + "ABC"[i // 24], f"0011900{i:05d}")
    with a.session() as s:
        stamp(s)
        stamps = [h for (h,) in driver_connection(s).execute("SELECT hlc FROM peer_log ORDER BY seq")]
    assert all(STRICT.match(h) for h in stamps[-30:]) and stamps[-30:] == sorted(stamps[-30:])
    r = _swap(tmp_path, a, b, "a.epp")
    assert r.received == len(stamps)
    assert register(a) == register(b)


def test_a_poisoned_remote_stamp_does_not_poison_the_clock_and_a_new_edit_wins(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    add_person(a, "Phạm Thị Dung", "001190054321")
    _swap(tmp_path, a, b, "1.epp")
    # A laptop with the old code and a broken clock writes 9999999999999.99999 (simulated in its log).
    with a.session() as s:
        stamp(s)
        conn = driver_connection(s)
        dev = device_id(s)
        seq = conn.execute("SELECT max(seq) FROM peer_log WHERE origin = ?", (dev,)).fetchone()[0] + 1
        gid = conn.execute("SELECT gid FROM citizens WHERE id_number = '001190054321'").fetchone()[0]
        conn.execute("INSERT INTO peer_log(origin, seq, hlc, entity, gid, body, applied) VALUES (?, ?, ?, ?, ?, ?, 1)",
                     (dev, seq, f"9999999999999.99999.{dev}", "citizen", gid, '{"phone":"0900000000"}'))
    _swap(tmp_path, a, b, "2.epp")
    held = _one(b, "SELECT hlc FROM peer_log WHERE body = '{\"phone\":\"0900000000\"}'")
    assert held == f"{hlc.CLAMP_MS:013d}.99999.{dev}"  # stored, clamped the same way everywhere
    clock_b = str(_one(b, "SELECT value FROM settings WHERE key = ?", KEY_HLC))
    assert hlc_parse(clock_b)[0] < hlc.now_ms() + DAY_MS  # not adopted
    with b.session() as s:
        cid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = '001190054321'").fetchone()[0]
        update_citizen(s, cid, {"phone": "0911111111"})
    _swap(tmp_path, b, a, "3.epp")
    assert _phone(a, "001190054321") == _phone(b, "001190054321") == "0911111111"


def test_a_remote_stamp_two_days_ahead_is_merged_not_adopted_and_listed(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    with a.session() as s:
        dev = device_id(s)
    _set_clock(a, f"{hlc.now_ms() + 2 * DAY_MS:013d}.00000.{dev}")  # its date set two days ahead
    add_person(a, "Võ Văn Em", "001190067890")
    r = _swap(tmp_path, a, b, "a.epp")
    assert _phone(b, "001190067890") is None and _one(b, "SELECT count(*) FROM citizens") == 1
    assert hlc_parse(str(_one(b, "SELECT value FROM settings WHERE key = ?", KEY_HLC)))[0] < hlc.now_ms() + DAY_MS
    assert any("chạy trước" in c for c in r.conflicts)
    assert _one(b, "SELECT count(*) FROM peer_conflicts WHERE kind = 'clock_ahead'") == 1


def test_migration_clamps_poisoned_stamps_the_same_on_every_laptop(tmp_path: Path) -> None:
    """Two laptops that both hold a poisoned field clock (synced before the update) run migration 0007: the
    stored stamps become the same canonical values, the clocks come back, and B's new edit wins on A."""
    a, b = _pair(tmp_path)
    add_person(a, "Đỗ Thị Giang", "001190099999")
    _swap(tmp_path, a, b, "1.epp")
    for db in (a, b):
        with db.session() as s:
            stamp(s)
            conn = driver_connection(s)
            hlcs, fields = json.loads(conn.execute("SELECT fields FROM peer_rows WHERE entity = 'citizen'"
                                                                  " AND row_id IN (SELECT id FROM citizens"
                                                                  " WHERE id_number = '001190099999')").fetchone()[0])
            dev = hlcs[0].split(".", 2)[2]
            poisoned = f"9999999999999.99999.{dev}"
            conn.execute("UPDATE peer_rows SET fields = ? WHERE entity = 'citizen'",
                         (json.dumps([[poisoned], fields]),))
            conn.execute("UPDATE peer_log SET hlc = ? WHERE entity = 'citizen'", (poisoned,))
            conn.execute("UPDATE settings SET value = ? WHERE key = ?", (f"9999999999999.99999.{device_id(s)}", KEY_HLC))
    paths = []
    for db in (a, b):
        paths.append(Path(db.path))
        db.close()
    for p in paths:  # the databases as an updated app finds them: just before 0007 (later revisions undone)
        con = sqlite3.connect(p)
        with con:
            for table in ("peer_quarantine", "peer_signers", "peer_chain"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute("DROP INDEX IF EXISTS ix_status_events_undoes_id")
            con.execute("ALTER TABLE status_events DROP COLUMN undoes_id")
            con.execute("UPDATE alembic_version SET version_num = ?", ("0006_outbox_states",))
        con.close()
    a, b = (open_database(p, encrypted=False) for p in paths)
    try:
        clamped = f"{hlc.CLAMP_MS:013d}.99999."
        for db in (a, b):
            assert str(_one(db, "SELECT hlc FROM peer_log WHERE entity = 'citizen'")).startswith(clamped)
            assert clamped in str(_one(db, "SELECT fields FROM peer_rows WHERE entity = 'citizen'"))
            assert hlc_parse(str(_one(db, "SELECT value FROM settings WHERE key = ?", KEY_HLC)))[0] <= (
                hlc.now_ms() + DAY_MS)
        with b.session() as s:
            cid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = '001190099999'").fetchone()[0]
            update_citizen(s, cid, {"phone": "0922222222"})
        _swap(tmp_path, b, a, "2.epp")
        assert _phone(a, "001190099999") == "0922222222"
        assert register(a) == register(b)
    finally:
        a.close()
        b.close()
