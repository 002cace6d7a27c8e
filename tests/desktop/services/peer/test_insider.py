"""A laptop of the group that lies (issue: "a laptop must not be able to rewrite the others"), through the
real CLI on real database files and a real `.epp` file: the insider's change log is crafted by hand (its
own database edited with sqlite3), exported as a normal USB file, imported by the victim.

- wrong-typed fields (a birth date `true`, an event time "not-a-time") are kept aside with their reason,
  listed by `peer status`; later entries of the same laptop still arrive (no hole in its sequence), and
  `status` and `search` keep working for that citizen;
- an ID-number change naming another citizen fuses nobody: both kept, the supervisor's conflict list says so.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main as ep
from tests.support.import_files import HEADER, TITLES, people_rows, write_csv

COMMUNE = "22736"


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_PLAIN_DB", "1")


def run(capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> dict | list:  # type: ignore[type-arg]
    capsys.readouterr()
    code = ep([*args, "--json"])
    out = capsys.readouterr()
    assert (code == 0) == ok, out.err + out.out
    return json.loads(out.out.splitlines()[-1]) if out.out.strip() else {}  # type: ignore[no-any-return]


def _pair_with_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    a, b = str(tmp_path / "insider"), str(tmp_path / "victim")
    for d in (a, b):
        run(capsys, "init", "--data-dir", d, "--commune-code", COMMUNE)
    made = run(capsys, "peer", "group", "create", "--data-dir", a, "--name", "Máy gian")
    assert isinstance(made, dict)
    run(capsys, "peer", "group", "join", made["code"], "--data-dir", b, "--name", "Máy 2")
    run(capsys, "import", str(write_csv(tmp_path / "l.csv", [*TITLES, HEADER, *people_rows()])), "--data-dir", a)
    run(capsys, "peer", "export", str(tmp_path / "first.epp"), "--data-dir", a)
    run(capsys, "peer", "import", str(tmp_path / "first.epp"), "--data-dir", b)
    return a, b


def _forge(data_dir: str, entries: list[tuple[str, str, dict[str, object]]]) -> int:
    """Append hand-made entries (entity, gid, body) to the insider's own change log; returns the last seq."""
    con = sqlite3.connect(Path(data_dir) / "enrollpoint.db")
    with con:
        me = con.execute("SELECT value FROM settings WHERE key = 'peer.device_id'").fetchone()[0]
        seq, top = con.execute("SELECT max(seq), max(hlc) FROM peer_log WHERE origin = ?", (me,)).fetchone()
        ms = int(top[:13])
        for i, (entity, gid, body) in enumerate(entries, start=1):
            con.execute("INSERT INTO peer_log(origin, seq, hlc, entity, gid, body, applied) VALUES (?, ?, ?, ?, ?, ?, 1)",
                        (me, seq + i, f"{ms + i:013d}.00000.{me}", entity, gid, json.dumps(body)))
    con.close()
    return int(seq) + len(entries)


def _citizens(data_dir: str) -> list[tuple[str, str, str | None, str | None]]:
    con = sqlite3.connect(Path(data_dir) / "enrollpoint.db")
    rows = con.execute("SELECT gid, full_name, id_number, phone FROM citizens ORDER BY id").fetchall()
    con.close()
    return rows


def _held(data_dir: str, origin_of: str) -> int:
    con = sqlite3.connect(Path(data_dir) / "enrollpoint.db")
    me = sqlite3.connect(Path(origin_of) / "enrollpoint.db").execute(
        "SELECT value FROM settings WHERE key = 'peer.device_id'").fetchone()[0]
    n = con.execute("SELECT max(seq) FROM peer_log WHERE origin = ?", (me,)).fetchone()[0]
    con.close()
    return int(n)


def test_wrong_typed_fields_are_kept_aside_and_later_entries_still_arrive(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = _pair_with_register(tmp_path, capsys)
    gid, name, number, _phone = _citizens(b)[0]
    last = _forge(a, [
        ("citizen", gid, {"birth_date": True}),
        ("event", "0190f000-0000-7000-8000-000000000001",
         {"citizen_id": gid, "event_type": "card_captured", "occurred_at": "not-a-time", "occurred_on": "2026-12-06",
          "point_id": None, "appointment_id": None, "note": "", "recorded_at": "2026-12-06 09:00:00"}),
        ("citizen", gid, {"birth_year": "1990"}),
        ("citizen", gid, {"phone": "0912000111"}),  # a good entry after the bad ones
    ])
    run(capsys, "peer", "export", str(tmp_path / "bad.epp"), "--data-dir", a, "--all")
    capsys.readouterr()
    assert ep(["peer", "import", str(tmp_path / "bad.epp"), "--data-dir", b]) == 0  # the rest is imported
    assert "3 thay đổi có dữ liệu sai kiểu bị giữ riêng" in capsys.readouterr().out

    assert _held(b, a) == last  # no hole: nothing is re-sent forever, nothing after it is lost
    assert [c for c in _citizens(b) if c[0] == gid] == [(gid, name, number, "0912000111")]
    st = run(capsys, "peer", "status", "--data-dir", b)
    assert isinstance(st, dict)
    reasons = sorted((q["entity"], q["reason"]) for q in st["quarantined"])
    assert reasons == [("citizen", "birth_date: không phải ngày"), ("citizen", "birth_year: không phải số từ 1900 đến 2100"),
                       ("event", "occurred_at: không phải thời điểm")]
    assert all(q["from"] == "Máy gian" for q in st["quarantined"])
    capsys.readouterr()
    assert ep(["peer", "status", "--data-dir", b]) == 0
    assert "Giữ riêng, không nhập (dữ liệu sai) từ Máy gian: event — occurred_at: không phải thời điểm" in capsys.readouterr().out
    found = run(capsys, "search", number, "--data-dir", b)
    assert name in json.dumps(found, ensure_ascii=False)
    run(capsys, "status", number, "--data-dir", b)
    # the same file again changes nothing, lists nothing twice
    run(capsys, "peer", "import", str(tmp_path / "bad.epp"), "--data-dir", b)
    assert len(run(capsys, "peer", "status", "--data-dir", b)["quarantined"]) == 3  # type: ignore[call-overload]


def test_id_number_change_onto_another_citizen_fuses_nobody(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = _pair_with_register(tmp_path, capsys)
    before = _citizens(b)
    (x_gid, x_name, x_number, _), (y_gid, y_name, y_number, _) = before[0], before[1]
    _forge(a, [("citizen", x_gid, {"id_number": y_number, "note": "đã sửa"})])
    run(capsys, "peer", "export", str(tmp_path / "fuse.epp"), "--data-dir", a, "--all")
    run(capsys, "peer", "import", str(tmp_path / "fuse.epp"), "--data-dir", b)

    after = _citizens(b)
    assert len(after) == len(before)  # nobody deleted
    numbers = {gid: number for gid, _n, number, _p in after}
    # both kept; one number can be held by one record: the smaller gid, on every laptop whatever the order
    assert numbers[min(x_gid, y_gid)] == y_number and numbers[max(x_gid, y_gid)] is None
    assert {g: n for g, n in numbers.items() if g not in (x_gid, y_gid)} == {
        g: n for g, _n, n, _p in before if g not in (x_gid, y_gid)}
    st = run(capsys, "peer", "status", "--data-dir", b)
    assert isinstance(st, dict)
    clash = [c for c in st["conflicts"] if "Không gộp" in c]
    assert len(clash) == 1 and x_name in clash[0] and y_name in clash[0] and y_number not in clash[0]
    con = sqlite3.connect(Path(b) / "enrollpoint.db")
    assert con.execute("SELECT note FROM citizens WHERE gid = ?", (x_gid,)).fetchone()[0] == "đã sửa"  # rest merged
    assert con.execute("SELECT count(*) FROM peer_alias").fetchone()[0] == 0
    con.close()
    assert x_number != y_number
    found = run(capsys, "search", y_name.split()[-1], "--data-dir", b)
    assert y_name in json.dumps(found, ensure_ascii=False)


def test_bad_values_merged_before_the_checks_are_repaired_on_update(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A laptop that merged a member's bad fields before this version: `status` and `search` crashed for
    that citizen. The update (migration 0008) repairs them by one rule, audited without the values."""
    a, _b = _pair_with_register(tmp_path, capsys)
    con = sqlite3.connect(Path(a) / "enrollpoint.db")
    with con:
        cid, number = con.execute("SELECT id, id_number FROM citizens ORDER BY id LIMIT 1").fetchone()
        con.execute("UPDATE citizens SET birth_date = 1 WHERE id = ?", (cid,))
        con.execute("INSERT INTO status_events(citizen_id, event_type, occurred_at, occurred_on, note, recorded_at)"
                    " VALUES (?, 'attended', 'not-a-time', '2026-12-05', '', '2026-12-05 09:00:00.000000')", (cid,))
        for table in ("peer_quarantine", "peer_signers", "peer_chain"):  # the database as the previous version left it
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP INDEX ix_status_events_undoes_id")  # ... and before migration 0010
        con.execute("ALTER TABLE status_events DROP COLUMN undoes_id")
        con.execute("UPDATE alembic_version SET version_num = '0007_peer_clock'")
    con.close()
    status = run(capsys, "status", number, "--data-dir", a)
    assert "2026-12-05" in json.dumps(status)
    assert run(capsys, "search", number, "--data-dir", a)
    con = sqlite3.connect(Path(a) / "enrollpoint.db")
    assert con.execute("SELECT birth_date FROM citizens WHERE id = ?", (cid,)).fetchone()[0] is None
    assert con.execute("SELECT occurred_at FROM status_events WHERE note = '' AND citizen_id = ? AND occurred_on ="
                       " '2026-12-05'", (cid,)).fetchone()[0] == "2026-12-05 09:00:00.000000"
    audit = con.execute("SELECT entity, detail FROM audit_log WHERE action = 'peer_repair' ORDER BY id").fetchall()
    con.close()
    assert audit == [("citizens", "birth_date: giá trị sai kiểu do máy khác gửi, đã sửa"),
                     ("status_events", "occurred_at: giá trị sai kiểu do máy khác gửi, đã sửa")]
