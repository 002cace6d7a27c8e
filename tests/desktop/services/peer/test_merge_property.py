"""Property: three laptops doing random work, synced in random order with cuts mid-transfer and files
imported twice, end with the same register; no event is lost or doubled; a day close never counts another
laptop's event. Real SQLite files; hypothesis with a bounded number of examples."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.errors import ValidationError
from desktop.services.figures import dayclose
from desktop.services.peer import changes, group, usbfile
from desktop.services.peer.merge import apply_ops
from desktop.services.register import statuses
from desktop.services.register.citizens import update_citizen
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import add_person, laptop, register

IDS = [f"00119001{i:04d}" for i in range(5)]
NAMES = ["Nguyễn Thị An", "Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng", "Hoàng Thị Em"]
EVENTS = ["attended", "card_captured", "deferred", "reinstated", "card_issued", "vneid_l2_captured"]

op_strategy = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("event"), st.integers(0, 2), st.integers(0, 20), st.sampled_from(EVENTS)),
    st.tuples(st.just("phone"), st.integers(0, 2), st.integers(0, 20), st.integers(0, 99)),
    st.tuples(st.just("file"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("cut"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 4)),
)


def _citizens(db: Database) -> list[int]:
    with db.session() as s:
        return [r[0] for r in driver_connection(s).execute("SELECT id FROM citizens ORDER BY gid")]


def _run(tmp: Path, ops: list[tuple]) -> None:
    dbs = [laptop(tmp, n) for n in "abc"]
    code = group.create_group(dbs[0]).code
    assert code is not None
    for db in dbs[1:]:
        group.join_group(db, code)
    made: list[set[str]] = [set(), set(), set()]  # event gids each laptop recorded
    files = 0
    try:
        for op in ops:
            kind, i = op[0], op[1]
            db = dbs[i]
            if kind == "add":
                try:
                    add_person(db, NAMES[op[2]], IDS[op[2]] if op[3] else None)
                except ValidationError:
                    pass  # that ID number is already in this laptop's register
            elif kind in ("event", "phone"):
                people = _citizens(db)
                if not people:
                    continue
                cid = people[op[2] % len(people)]
                try:
                    with db.session() as s:
                        if kind == "event":
                            statuses.record_event(s, cid, op[3], point=1)
                        else:
                            update_citizen(s, cid, {"phone": f"09123456{op[3]:02d}"})
                except ValidationError:
                    pass
            elif kind == "file" and op[1] != op[2]:
                files += 1
                f = tmp / f"{files}.epp"
                usbfile.export_file(dbs[op[1]], f)
                usbfile.import_file(dbs[op[2]], f)
                if op[3]:
                    assert usbfile.import_file(dbs[op[2]], f).received == 0  # twice: nothing new
            elif kind == "cut" and op[1] != op[2]:  # a LAN transfer cut after its first page
                src, dst = dbs[op[1]], dbs[op[2]]
                with src.session() as s:
                    from desktop.services.peer.stamp import stamp

                    stamp(s)
                with dst.session() as s:
                    vv = changes.version_vector(s)
                with src.session() as s:
                    page, _more = changes.ops_after(s, vv, op[3])
                with dst.session() as s:
                    apply_ops(s, page)
        for n, db in enumerate(dbs):
            with db.session() as s:
                from desktop.services.peer.stamp import stamp

                stamp(s)
                made[n] = {g for (g,) in driver_connection(s).execute(
                    "SELECT gid FROM status_events WHERE origin = (SELECT value FROM settings WHERE key ="
                    " 'peer.device_id')")}
        for _round in range(2):  # everyone meets everyone
            for x in range(3):
                for y in range(3):
                    if x != y:
                        files += 1
                        f = tmp / f"{files}.epp"
                        usbfile.export_file(dbs[x], f)
                        usbfile.import_file(dbs[y], f)
        regs = [register(db) for db in dbs]
        assert regs[0] == regs[1] == regs[2]
        all_made = made[0] | made[1] | made[2]
        assert len(all_made) == sum(len(m) for m in made)  # no gid made twice
        event_gids = [e[0] for e in regs[0]["events"]]  # type: ignore[index]
        assert sorted(event_gids) == sorted(all_made)  # none lost, none doubled
        today = dt.date.today()
        for n, db in enumerate(dbs):
            with db.session() as s:
                conn = driver_connection(s)
                own = {ev: {c for (c,) in conn.execute(
                    "SELECT citizen_id FROM status_events WHERE event_type = ? AND occurred_on = ? AND gid IN"
                    f" ({','.join('?' * len(made[n]))})", (ev, today.isoformat(), *made[n]))}
                    for ev in ("attended", "card_captured", "vneid_l2_captured")}
                totals = dayclose.count_point_day(s, today, 1).totals
            for ev, citizens in own.items():
                if ev in totals:
                    assert totals[ev] <= len(citizens)  # never another laptop's event
    finally:
        for db in dbs:
            db.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(op_strategy, min_size=3, max_size=25))
def test_three_laptops_converge(ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as d:
        _run(Path(d), ops)
