"""Every laptop speaks only for itself (services/peer/signing.py), on real SQLite files, real `.epp` files and
the test keyring: a relayed entry is checked against its author's key, a body changed on the way is refused,
a changed key for a known laptop is an alarm and nothing signed with it is merged, a lost key is never
replaced under the old id, and history written before signing is still taken."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.services.peer import changes, group, signing, usbfile
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.ids import device_id
from desktop.services.peer.merge import apply_ops
from desktop.services.peer.status import peer_status
from desktop.storage import keys
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database, open_database
from tests.support.peers import add_person, laptop, register


def _group(tmp_path: Path, *names: str) -> list[Database]:
    dbs = [laptop(tmp_path, n) for n in names]
    code = group.create_group(dbs[0], name=names[0].upper()).code
    assert code is not None
    for db, n in zip(dbs[1:], names[1:], strict=True):
        group.join_group(db, code, name=n.upper())
    return dbs


def _file(tmp_path: Path, src: Database, name: str) -> Path:
    f = tmp_path / f"{name}.epp"
    usbfile.export_file(src, f, everything=True)
    return f


def _dev(db: Database) -> str:
    with db.session() as s:
        return device_id(s)


def _sql(db: Database, query: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(db.path)
    try:
        with con:
            return con.execute(query, args).fetchall()
    finally:
        con.close()


def _count(db: Database, query: str, *args: object) -> int:
    return int(_sql(db, query, *args)[0][0])


def test_a_relayed_entry_is_checked_against_its_author(tmp_path: Path) -> None:
    """A → B → C by USB: C never met A, learns A's key from B's roster and verifies A's own checkpoints."""
    a, b, c = _group(tmp_path, "a", "b", "c")
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    usbfile.import_file(b, _file(tmp_path, a, "a1"))
    r = usbfile.import_file(c, _file(tmp_path, b, "b1"))
    assert r.refused == [] and r.received > 0
    assert register(c) == register(a)
    author = _dev(a)
    key_a = _sql(a, "SELECT public_key FROM peer_signers WHERE device_id = ?", author)
    assert _sql(c, "SELECT public_key, via FROM peer_signers WHERE device_id = ?", author) == [(key_a[0][0], _dev(b))]
    # the checkpoints C keeps are A's own, relayed unchanged by B
    assert _sql(c, "SELECT seq, chain, sig FROM peer_chain WHERE origin = ?", author) == _sql(
        a, "SELECT seq, chain, sig FROM peer_chain WHERE origin = ?", author)


def test_a_body_changed_on_the_way_is_refused_and_nothing_of_it_merged(tmp_path: Path) -> None:
    """B, relaying A's entries, edits one body (a phone number) under A's valid checkpoint: C refuses it with
    words naming A, keeps nothing of that run, and still takes a later honest relay."""
    a, b, c = _group(tmp_path, "a", "b", "c")
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    add_person(a, "Trần Văn Bình", "001090054321")
    usbfile.import_file(b, _file(tmp_path, a, "a1"))
    author = _dev(a)
    seq, body = _sql(b, "SELECT seq, body FROM peer_log WHERE origin = ? AND entity = 'citizen' ORDER BY seq DESC"
                        " LIMIT 1", author)[0]
    changed = json.loads(body)
    changed["phone"] = "0999999999"
    _sql(b, "UPDATE peer_log SET body = ? WHERE origin = ? AND seq = ?", json.dumps(changed), author, seq)
    before = register(c)
    r = usbfile.import_file(c, _file(tmp_path, b, "tampered"))
    assert r.refused and all("không khớp" in line and author[:8].upper() in line for line in r.refused)
    assert register(c) == before  # nothing of A's run taken (its one checkpoint covers the changed entry)
    assert _count(c, "SELECT count(*) FROM peer_log WHERE origin = ?", author) == 0
    assert _count(c, "SELECT count(*) FROM citizens WHERE phone = '0999999999'") == 0
    with c.session() as s:
        st = peer_status(s)
    assert any("không khớp" in why for _who, _kind, why in st.quarantined)
    r2 = usbfile.import_file(c, _file(tmp_path, a, "a2"))  # the author's own file: taken
    assert r2.refused == [] and register(c) == register(a)


def test_a_changed_key_for_a_known_laptop_is_an_alarm_and_nothing_signed_with_it_is_merged(tmp_path: Path) -> None:
    a, b = _group(tmp_path, "a", "b")
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    usbfile.import_file(b, _file(tmp_path, a, "a1"))
    author, known = _dev(a), register(b)
    # A's key is replaced under its old id (as a reinstall that drew a new key would): the code refuses that
    # itself (next test), so the database and keyring are edited by hand
    _sql(a, "DELETE FROM peer_signers WHERE device_id = ?", author)
    _sql(a, "DELETE FROM peer_chain WHERE origin = ?", author)
    keys._keyring().delete_password(keys.SERVICE, "peer-sign-" + author)
    signing._keys.clear()
    add_person(a, "Trần Văn Bình", "001090054321")
    r = usbfile.import_file(b, _file(tmp_path, a, "a2"))
    assert r.refused and all("khóa khác" in line for line in r.refused)
    assert register(b) == known  # nothing merged
    with b.session() as s:
        st = peer_status(s)
    assert any(kind == "key_changed" and "Khóa ký của A" in d for _i, kind, d in st.conflicts)
    new_key = _sql(a, "SELECT public_key FROM peer_signers WHERE device_id = ?", author)[0][0]
    old, changed = _sql(b, "SELECT public_key, changed_key FROM peer_signers WHERE device_id = ?", author)[0]
    assert changed == new_key and old != new_key  # the first key stays: an alarm, never an update


def test_a_lost_key_is_never_replaced_under_the_old_id_reidentify_draws_a_new_one(tmp_path: Path) -> None:
    a, b = _group(tmp_path, "a", "b")
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    usbfile.import_file(b, _file(tmp_path, a, "a1"))
    old = _dev(a)
    keys._keyring().delete_password(keys.SERVICE, "peer-sign-" + old)  # the keyring lost (restored elsewhere)
    signing._keys.clear()
    add_person(a, "Trần Văn Bình", "001090054321")
    with pytest.raises(PeerRefused, match="peer reidentify"):
        usbfile.export_file(a, tmp_path / "refused.epp")
    from desktop.services.peer import clones

    with a.session() as s:
        clones.reidentify(s)
    new = _dev(a)
    assert new != old
    r = usbfile.import_file(b, _file(tmp_path, a, "a2"))
    assert r.refused == [] and register(b) == register(a)
    keys_b = dict(_sql(b, "SELECT device_id, public_key FROM peer_signers"))
    assert keys_b[new] != keys_b[old]  # a new key under the new id; the old id keeps its key


def _as_before_signing(db: Database) -> Database:
    """The database as the version before signing left it, then opened by this one (migration 0009 runs)."""
    path = Path(db.path)
    db.close()
    con = sqlite3.connect(path)
    with con:
        for table in ("peer_signers", "peer_chain"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DELETE FROM settings WHERE key = 'peer.unsigned_top'")
        con.execute("DROP INDEX ix_status_events_undoes_id")  # ... and before the later 0010_event_undo
        con.execute("ALTER TABLE status_events DROP COLUMN undoes_id")
        con.execute("UPDATE alembic_version SET version_num = '0008_peer_quarantine'")
    con.close()
    return open_database(path, encrypted=False)


def test_history_written_before_signing_is_taken(tmp_path: Path) -> None:
    """A and B synced before the update (no signatures); after it A's first checkpoint chains over that history,
    and C, getting A's old entries from B with no checkpoint at all, takes them (at most A's `base`)."""
    a, b, c = _group(tmp_path, "a", "b", "c")
    for i, name in enumerate(("An", "Bình", "Cúc", "Dũng", "Em")):
        add_person(a, f"Nguyễn Văn {name}", f"00119001234{i}")
    with a.session() as s:  # the old version's transfer: no signatures anywhere
        ops, _more = changes.ops_after(s, {})
    with b.session() as s:
        apply_ops(s, ops)
    n = len(ops)
    a = _as_before_signing(a)  # A is updated now: migration 0009 notes its unsigned history
    add_person(a, "Lê Thị Giang", "001190099999")  # A signs; its first checkpoint covers all it wrote before
    r = usbfile.import_file(b, _file(tmp_path, a, "a1"))
    assert r.refused == [] and register(b) == register(a)
    author = _dev(a)
    assert _sql(a, "SELECT base FROM peer_signers WHERE device_id = ?", author) == [(n,)]
    # B as if it had kept A's old entries without their checkpoints: its file carries none for them
    _sql(b, "DELETE FROM peer_chain WHERE origin = ?", author)
    _sql(b, "DELETE FROM peer_log WHERE origin = ? AND seq > ?", author, n)
    r = usbfile.import_file(c, _file(tmp_path, b, "b1"))
    assert r.refused == []
    assert _count(c, "SELECT count(*) FROM peer_log WHERE origin = ?", author) == n  # unsigned history: taken
    r = usbfile.import_file(c, _file(tmp_path, a, "a2"))  # and A's signed rest continues the chain
    assert r.refused == [] and register(c) == register(a)


def test_entries_beyond_unsigned_history_without_a_checkpoint_are_refused(tmp_path: Path) -> None:
    """A relay that sends a signing laptop's new entries with no checkpoint (an old version, or a forger) gets
    them refused above the author's `base`, with words naming the author."""
    a, b, c = _group(tmp_path, "a", "b", "c")
    add_person(a, "Nguyễn Thị Ân", "001190012345")
    usbfile.import_file(b, _file(tmp_path, a, "a1"))
    usbfile.import_file(c, _file(tmp_path, b, "b0"))
    add_person(a, "Trần Văn Bình", "001090054321")
    usbfile.import_file(b, _file(tmp_path, a, "a2"))
    author = _dev(a)
    _sql(b, "DELETE FROM peer_chain WHERE origin = ?", author)
    before = register(c)
    r = usbfile.import_file(c, _file(tmp_path, b, "b1"))
    assert r.refused and all(f"không có chữ ký của máy {author[:8].upper()}" in line for line in r.refused)
    assert register(c) == before
    with c.session() as s:
        conn = driver_connection(s)
        assert conn.execute("SELECT count(*) FROM peer_quarantine WHERE origin = ?", (author,)).fetchone()[0] > 0
