"""An undone check-in mark travels: two laptops (SQLite files in separate data dirs, real sealed USB files)
agree on the person's status and on the day's figures, and nothing is counted twice or lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.models import Citizen, Operator
from desktop.services.figures import dayclose
from desktop.services.peer import group, usbfile
from desktop.services.scheduling import checkin, undo
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import add_person, laptop, register

NUMBER = "001190012345"
TODAY = dt.date.today()


def _two(tmp_path: Path) -> tuple[Database, Database]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = laptop(tmp_path / "a", "a"), laptop(tmp_path / "b", "b")
    code = group.create_group(a).code
    assert code is not None
    group.join_group(b, code)
    for db in (a, b):
        add_person(db, "Nguyễn Thị Ân", NUMBER)  # the same list on both: merged by ID number
    return a, b


def _sync(src: Database, dst: Database, path: Path) -> None:
    usbfile.export_file(src, path, everything=True)
    usbfile.import_file(dst, path)


def _officer(db: Database, role: str = "operator") -> int:
    with db.session() as s:
        op = Operator(name=f"Cán bộ {role}", role=role, pin_hash="", created_at=dt.datetime.now())
        s.add(op)
        s.flush()
        return op.id


def _mark(db: Database, action: str, officer: int, at: dt.datetime | None = None) -> None:
    with db.session() as s:
        cid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = ?", (NUMBER,)).fetchone()[0]
        pid = driver_connection(s).execute("SELECT id FROM points WHERE code = 'TRUSO'").fetchone()[0]
        checkin.mark(s, cid, action, point_id=pid, operator_id=officer, at=at)


def _state(db: Database) -> tuple[str, bool]:
    with db.session() as s:
        c = s.query(Citizen).filter_by(id_number=NUMBER).one()
        return c.status, bool(c.has_card)


def _own(db: Database) -> dict[str, int]:
    """What this laptop's day close would report for TRUSO today (its own events only)."""
    with db.session() as s:
        pid = driver_connection(s).execute("SELECT id FROM points WHERE code = 'TRUSO'").fetchone()[0]
        return dayclose.count_point_day(s, TODAY, pid).totals


def _sum(*counts: dict[str, int]) -> dict[str, int]:
    return {k: sum(c[k] for c in counts) for k in counts[0]}


def test_the_undo_travels_and_both_laptops_agree(tmp_path: Path):
    a, b = _two(tmp_path)
    lan = _officer(a)
    _mark(a, "card_captured", lan)
    _sync(a, b, tmp_path / "1.epp")
    assert _state(b) == ("card_captured", True)
    with a.session() as s:
        dayclose.close_day(s, TODAY, "TRUSO")
        undo.undo_last_mark(s, lan)
        assert dayclose.day_status(s, TODAY, "TRUSO") == dayclose.CHANGED  # "đã thay đổi sau khi chốt"
    _sync(a, b, tmp_path / "2.epp")
    _sync(b, a, tmp_path / "3.epp")
    assert _state(a) == _state(b) == ("new", False)
    ra, rb = register(a), register(b)
    assert ra == rb
    kinds = sorted(k for _g, _c, k, _at, _o in ra["events"])  # type: ignore[misc, attr-defined]
    assert kinds == ["attended", "card_captured", "undo", "undo"]  # history kept on both laptops
    zero = dict.fromkeys(_own(a), 0)
    assert _own(a) == _own(b) == zero


def test_a_double_capture_undone_on_one_laptop_is_counted_once(tmp_path: Path):
    """Both laptops recorded the same capture; the earlier one (which the province counted) is undone:
    the other laptop's capture now counts, on exactly one laptop, whichever way the files travel."""
    a, b = _two(tmp_path)
    early = dt.datetime.combine(TODAY, dt.time(8, 0))
    _mark(a, "card_captured", _officer(a), at=early)
    _mark(b, "card_captured", _officer(b), at=early + dt.timedelta(minutes=5))
    _sync(a, b, tmp_path / "1.epp")
    _sync(b, a, tmp_path / "2.epp")
    before = _sum(_own(a), _own(b))
    assert before["card_captured"] == before["attended"] == 1
    with a.session() as s:
        undo.undo_last_mark(s, driver_connection(s).execute("SELECT id FROM operators").fetchone()[0])
    _sync(a, b, tmp_path / "3.epp")
    _sync(b, a, tmp_path / "4.epp")
    assert _state(a) == _state(b) == ("card_captured", True)
    assert _sum(_own(a), _own(b)) == before  # counted once: now by b, not lost, not twice
    assert max(_own(a).values()) == 0


def test_an_old_laptop_quarantines_the_undo_and_applies_it_once_updated(tmp_path: Path):
    """Rolling upgrade: a laptop of the previous version does not know the `undo` kind (its field check
    refuses it: quarantined, still shows the mark); once updated, its next merge applies it."""
    from desktop.services.peer import fields

    a, b = _two(tmp_path)
    lan = _officer(a)
    _mark(a, "card_captured", lan)
    _sync(a, b, tmp_path / "1.epp")
    with a.session() as s:
        undo.undo_last_mark(s, lan)
    old_check, nullable = fields._CHECKS["event"]["event_type"]
    with pytest.MonkeyPatch.context() as old_version:  # b runs the previous version until the block ends
        old_version.setitem(fields._CHECKS["event"], "event_type",
                            (lambda v: "giá trị không có trong danh mục" if v == "undo" else old_check(v), nullable))
        result = usbfile.import_file(b, _export(a, tmp_path / "2.epp"))
        assert result.quarantined == 2
        assert _state(b) == ("card_captured", True)  # the old laptop still shows the mark
        assert _state(a) == ("new", False)
    add_person(a, "Trần Văn Bình", "001090054321")  # anything new from a: the next merge on b
    _sync(a, b, tmp_path / "3.epp")
    assert _state(b) == _state(a) == ("new", False)
    assert register(a) == register(b)
    with b.session() as s:
        assert driver_connection(s).execute("SELECT count(*) FROM peer_quarantine").fetchone()[0] == 0


def _export(db: Database, path: Path) -> Path:
    usbfile.export_file(db, path, everything=True)
    return path
