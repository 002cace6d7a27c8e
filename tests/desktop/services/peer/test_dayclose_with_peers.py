"""Day close across laptops: each (citizen, day, indicator) is counted by exactly one laptop once
they have synced — the one whose event comes first by (occurred_at, gid) — so the province's sum of the
laptops' own reports equals the merged register. Real SQLite files; hypothesis with a bounded run."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.errors import ValidationError
from desktop.services.figures import dayclose, indicators
from desktop.services.peer import group, usbfile
from desktop.services.peer.ids import device_id
from desktop.services.register import points, statuses
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import add_person, laptop

IDS = [f"00119002{i:04d}" for i in range(4)]
NAMES = ["Nguyễn Thị An", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng"]
DAYS = [dt.date(2026, 11, 20), dt.date(2026, 11, 21)]
TIMES = [dt.time(8, 0), dt.time(8, 0), dt.time(9, 30)]  # equal times on purpose: ties break by gid
KINDS = ["attended", "card_captured", "vneid_l2_captured"]
POINT_CODES = ["TRUSO", "THON2", None]  # None: recorded without a point ("không theo điểm")


def _setup(tmp: Path, n: int) -> list[Database]:
    dbs = [laptop(tmp, f"m{i}") for i in range(n)]
    code = group.create_group(dbs[0]).code
    assert code is not None
    for db in dbs[1:]:
        group.join_group(db, code)
    for db in dbs:
        with db.session() as s:
            points.add_point(s, "THON2", "Nhà văn hoá thôn 2", kind="mobile")
        for name, idn in zip(NAMES, IDS, strict=True):
            add_person(db, name, idn)  # the same list on every laptop: the records merge by ID number
    return dbs


def _record(db: Database, who: int, day: int, time: int, kind: str, point: int) -> None:
    with db.session() as s:
        conn = driver_connection(s)
        cid = conn.execute("SELECT id FROM citizens WHERE id_number = ?", (IDS[who],)).fetchone()[0]
        code = POINT_CODES[point]
        pid = None if code is None else conn.execute("SELECT id FROM points WHERE code = ?", (code,)).fetchone()[0]
        try:
            statuses.record_event(s, cid, kind, at=dt.datetime.combine(DAYS[day], TIMES[time]), point=pid)
        except ValidationError:
            s.rollback()  # the status machine refuses it here (e.g. captured twice): nothing recorded


def _sync(a: Database, b: Database, tmp: Path, n: list[int]) -> None:
    n[0] += 1
    f = tmp / f"{n[0]}.epp"
    usbfile.export_file(a, f, everything=True)
    usbfile.import_file(b, f)


def _full_sync(dbs: list[Database], tmp: Path, n: list[int]) -> None:
    for _round in range(2):
        for x in range(len(dbs)):
            for y in range(len(dbs)):
                if x != y:
                    _sync(dbs[x], dbs[y], tmp, n)


def _point_ids(db: Database) -> dict[str | None, int]:
    with db.session() as s:
        rows = driver_connection(s).execute("SELECT code, id FROM points").fetchall()
    out: dict[str | None, int] = {code: pid for code, pid in rows}
    out[None] = indicators.NO_POINT
    return out


def _own_reports(db: Database) -> Counter[tuple[str, dt.date, str | None]]:
    """What this laptop's day close reports: (indicator, day, point code) → count."""
    out: Counter[tuple[str, dt.date, str | None]] = Counter()
    ids = _point_ids(db)
    with db.session() as s:
        for day in DAYS:
            for code in POINT_CODES:
                for ev, v in dayclose.count_point_day(s, day, ids[code]).totals.items():
                    if ev in KINDS and v:
                        out[(ev, day, code)] += v
    return out


def _oracle(db: Database) -> dict[str, Counter[tuple[str, dt.date, str | None]]]:
    """Independent of the SQL: per laptop (origin), the keys whose earliest event by (occurred_at, gid) is its."""
    with db.session() as s:
        rows = driver_connection(s).execute(
            "SELECT c.id_number, e.occurred_on, e.event_type, e.occurred_at, e.gid, e.origin, p.code"
            " FROM status_events e JOIN citizens c ON c.id = e.citizen_id LEFT JOIN points p ON p.id = e.point_id"
        ).fetchall()
    first: dict[tuple[str, str, str], tuple[str, str, str, str | None]] = {}
    for idn, day, ev, at, gid, origin, code in rows:
        if ev not in KINDS:
            continue
        key = (idn, str(day), ev)
        if key not in first or (str(at), gid) < first[key][:2]:
            first[key] = (str(at), gid, origin, code)
    out: dict[str, Counter[tuple[str, dt.date, str | None]]] = {}
    for (_idn, day, ev), (_at, _gid, origin, code) in first.items():
        out.setdefault(origin, Counter())[(ev, dt.date.fromisoformat(day[:10]), code)] += 1
    return out


op_strategy = st.one_of(
    st.tuples(st.just("event"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 1), st.integers(0, 2),
              st.sampled_from(KINDS), st.integers(0, 2)),
    st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2)),
)


def _run(tmp: Path, n_laptops: int, ops: list[tuple]) -> None:
    dbs = _setup(tmp, n_laptops)
    files = [0]
    try:
        for op in ops:
            if op[0] == "event":
                _record(dbs[op[1] % n_laptops], *op[2:])
            elif op[1] % n_laptops != op[2] % n_laptops:
                _sync(dbs[op[1] % n_laptops], dbs[op[2] % n_laptops], tmp, files)
        _full_sync(dbs, tmp, files)
        oracle = _oracle(dbs[0])
        total: Counter[tuple[str, dt.date, str | None]] = Counter()
        for db in dbs:
            with db.session() as s:
                me = device_id(s)
            own = _own_reports(db)
            assert own == oracle.get(me, Counter())  # exactly the keys it owns: none counted by two laptops
            total.update(own)
        assert set(oracle) <= {device_id_of(db) for db in dbs}
        # The province's sum of the laptops' reports equals the merged register, per day and indicator.
        with dbs[0].session() as s:
            for day in DAYS:
                merged = indicators.count_day(s, day).totals
                for ev in KINDS:
                    assert sum(v for (e, d, _p), v in total.items() if e == ev and d == day) == merged[ev]
    finally:
        for db in dbs:
            db.close()


def device_id_of(db: Database) -> str:
    with db.session() as s:
        return device_id(s)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.integers(2, 3), st.lists(op_strategy, min_size=2, max_size=14))
def test_laptops_reports_add_up_to_the_merged_register(n_laptops: int, ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as d:
        _run(Path(d), n_laptops, ops)


def test_second_laptop_stops_counting_and_recloses(tmp_path: Path) -> None:
    """Both laptops capture one dossier; the later one stops counting it once it has the earlier event."""
    a, b = _setup(tmp_path, 2)
    try:
        _record(a, 0, 0, 0, "card_captured", 0)  # 08:00 at TRUSO on laptop A
        _record(b, 0, 0, 2, "card_captured", 1)  # 09:30 at THON2 on laptop B: the same person, a duplicate
        day = DAYS[0]
        ids_b = _point_ids(b)
        with b.session() as s:
            first = dayclose.close_day(s, day)
            rev1 = {r.point_code: (r.revision, r.totals_json) for r in first}
        assert '"card_captured": 1' in rev1["THON2"][1] or '"card_captured":1' in rev1["THON2"][1]
        files = [0]
        _sync(a, b, tmp_path, files)
        with b.session() as s:
            assert dayclose.day_status(s, day, "THON2") == dayclose.CHANGED
            assert dayclose.count_point_day(s, day, ids_b["THON2"]).totals["card_captured"] == 0
            again = {r.point_code: r for r in dayclose.close_day(s, day)}
            assert again["THON2"].revision == rev1["THON2"][0] + 1
            conflicts = driver_connection(s).execute(
                "SELECT detail FROM peer_conflicts WHERE kind = 'double_capture'").fetchall()
        assert len(conflicts) == 1 and "hai máy" in conflicts[0][0]
        with a.session() as s:
            assert dayclose.count_point_day(s, day, _point_ids(a)["TRUSO"]).totals["card_captured"] == 1
    finally:
        a.close()
        b.close()


def test_equal_times_break_by_gid_not_row_id(tmp_path: Path) -> None:
    """Two laptops, the same second: the smaller gid owns it on both, whatever the local row ids are."""
    a, b = _setup(tmp_path, 2)
    try:
        _record(a, 1, 0, 0, "attended", 0)
        _record(b, 1, 0, 1, "attended", 1)  # the same 08:00
        _full_sync([a, b], tmp_path, [0])
        counts = [sum(_own_reports(db).values()) for db in (a, b)]
        assert sorted(counts) == [0, 1]
        with a.session() as s:
            gids = driver_connection(s).execute(
                "SELECT gid, origin FROM status_events WHERE event_type = 'attended' ORDER BY gid").fetchall()
        owner = gids[0][1]
        assert counts[[device_id_of(a), device_id_of(b)].index(owner)] == 1
    finally:
        a.close()
        b.close()
