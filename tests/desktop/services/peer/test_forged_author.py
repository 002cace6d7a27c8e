"""A laptop of the group sends entries in another laptop's name: real `enrollpoint` processes, each laptop in
its own data directory and keyring, a real `.epp` file and a real `peer serve` on 127.0.0.1.

The insider M writes into its own change log a capture under the victim V's device id (the next number V
will use), with a checkpoint signed by a key that is not V's. Before signing, a receiver took it: the
dossier left V's day close, and V's own next entry then clashed with it under one number, a false
"cloned laptop" refusal between V and that receiver. Now: the receivers refuse it with words naming V
(exit 2), store nothing of it, list it in `peer status`; V's later real work reaches them as usual.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.services.peer import signing
from tests.support.import_files import HEADER, TITLES, people_rows, write_csv
from tests.support.peer_clis import cli, db_file, env, serving

FORGED_EVENT = "0190f000-0000-7000-8000-00000000f0f0"


def _ok(laptop: dict[str, str], *args: str) -> Any:
    done = cli(laptop, *args, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.splitlines()[-1]) if done.stdout.strip() else {}


def _query(laptop: dict[str, str], sql: str, *args: object) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db_file(laptop))
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _device(laptop: dict[str, str]) -> str:
    return str(_query(laptop, "SELECT value FROM settings WHERE key = 'peer.device_id'")[0][0])


def _register(laptop: dict[str, str]) -> list[Any]:
    return [_query(laptop, "SELECT gid, id_number, full_name, phone, status FROM citizens ORDER BY gid"),
            _query(laptop, "SELECT gid, event_type, occurred_at, origin FROM status_events ORDER BY gid")]


def _forge(insider: dict[str, str], victim: str, citizen_gid: str) -> int:
    """A capture under the victim's id, next number, with a checkpoint signed by a stranger's key."""
    con = sqlite3.connect(db_file(insider))
    with con:
        seq, hlc, entity, gid, body = con.execute(
            "SELECT seq, hlc, entity, gid, body FROM peer_log WHERE origin = ? ORDER BY seq DESC LIMIT 1",
            (victim,)).fetchone()
        chain = con.execute("SELECT chain FROM peer_chain WHERE origin = ? AND seq = ?", (victim, seq)).fetchone()[0]
        forged = json.dumps({"citizen_id": citizen_gid, "event_type": "card_captured",
                             "occurred_at": "2026-12-06 09:00:00", "occurred_on": "2026-12-06", "point_id": None,
                             "appointment_id": None, "note": "", "recorded_at": "2026-12-06 09:00:00"})
        stamp = f"{int(hlc[:13]) + 1:013d}.00000.{victim}"
        con.execute("INSERT INTO peer_log(origin, seq, hlc, entity, gid, body, applied) VALUES (?, ?, ?, ?, ?, ?, 1)",
                    (victim, seq + 1, stamp, "event", FORGED_EVENT, forged))
        h = signing.link(bytes.fromhex(chain), victim, seq + 1, stamp, "event", FORGED_EVENT, forged)
        sig = Ed25519PrivateKey.generate().sign(signing._message(victim, seq + 1, h))
        con.execute("INSERT INTO peer_chain(origin, seq, chain, sig) VALUES (?, ?, ?, ?)",
                    (victim, seq + 1, h.hex(), sig.hex()))
    con.close()
    return int(seq) + 1


def test_entries_in_another_laptops_name_are_refused_by_file_and_lan(tmp_path: Path) -> None:
    v, m, r, s = (env(tmp_path, n) for n in ("victim", "insider", "usb", "lan"))
    for laptop in (v, m, r, s):
        assert cli(laptop, "init", "--commune-code", "22736").returncode == 0
    code = _ok(v, "peer", "group", "create", "--name", "Máy V")["code"]
    for laptop, name in ((m, "Máy M"), (r, "Máy R"), (s, "Máy S")):
        _ok(laptop, "peer", "group", "join", code, "--name", name)
    _ok(v, "import", str(write_csv(tmp_path / "list.csv", [*TITLES, HEADER, *people_rows()])))
    _ok(v, "peer", "export", str(tmp_path / "v1.epp"), "--all")
    for laptop in (m, r, s):
        _ok(laptop, "peer", "import", str(tmp_path / "v1.epp"))
    victim = _device(v)
    citizen_gid, number = _query(v, "SELECT gid, id_number FROM citizens ORDER BY gid LIMIT 1")[0]
    forged_seq = _forge(m, victim, citizen_gid)
    before_r, before_s = _register(r), _register(s)

    # by USB file
    _ok(m, "peer", "export", str(tmp_path / "m.epp"), "--all")
    done = cli(r, "peer", "import", str(tmp_path / "m.epp"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Từ chối: 1 thay đổi chữ ký của Máy V" in done.stdout and "gửi qua Máy M" in done.stdout
    assert _register(r) == before_r
    assert _query(r, "SELECT count(*) FROM peer_log WHERE origin = ? AND seq = ?", victim, forged_seq) == [(0,)]
    status = _ok(r, "peer", "status")
    quarantined = status["quarantined"]
    assert [q["from"] for q in quarantined] == ["Máy V"] and "Máy V" in quarantined[0]["reason"]
    assert [c for c in status["conflicts"] if "Máy V" in c and "gửi qua Máy M" in c]  # the panel's list too

    # by LAN: the insider serves, a member syncs with it
    with serving(m) as port:
        done = cli(s, "peer", "sync", "--with", f"127.0.0.1:{port}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Từ chối: 1 thay đổi chữ ký của Máy V" in done.stdout
    assert _register(s) == before_s
    assert _query(s, "SELECT count(*) FROM peer_log WHERE origin = ? AND seq = ?", victim, forged_seq) == [(0,)]
    with serving(s) as port:  # the insider pushes it to a member that serves: refused there, said here
        done = cli(m, "peer", "sync", "--with", f"127.0.0.1:{port}")
    assert done.returncode == 2 and "máy kia không nhận" in done.stdout, done.stdout + done.stderr
    assert _register(s) == before_s

    # the victim's real next entry (the same number the forgery took) reaches both, no "cloned laptop" anywhere
    _ok(v, "event", number, "attended")
    _ok(v, "peer", "export", str(tmp_path / "v2.epp"), "--all")
    done = cli(r, "peer", "import", str(tmp_path / "v2.epp"), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    with serving(v) as port:
        done = cli(s, "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    with serving(r) as port:  # and the two receivers with each other
        done = cli(s, "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    real = _query(v, "SELECT hlc, gid FROM peer_log WHERE origin = ? AND seq = ?", victim, forged_seq)
    assert real and real[0][1] != FORGED_EVENT
    for laptop in (r, s):
        assert _query(laptop, "SELECT hlc, gid FROM peer_log WHERE origin = ? AND seq = ?", victim, forged_seq) == real
        assert _register(laptop) == _register(v)
        assert _query(laptop, "SELECT count(*) FROM status_events WHERE gid = ?", FORGED_EVENT) == [(0,)]
