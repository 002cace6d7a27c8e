"""`enrollpoint search` and `status` read through the database's DB-API connection, without SQLAlchemy
(their start-up is what the officer waits for), and say what the ORM services say."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import paths
from desktop.cli import main
from desktop.errors import ValidationError
from desktop.models import Citizen, Operator, Point, StatusEvent
from desktop.services import auth
from desktop.services.due import rules as due
from desktop.services.due.citizen_status import citizen_status
from desktop.services.due.search import search, search_rows
from desktop.services.register import statuses
from desktop.storage.db import open_database

ON = dt.date.today()


@pytest.fixture
def data(tmp_path: Path, capsys) -> str:
    """A 400-citizen encrypted demo with booked appointments, and events at points by operators."""
    d = str(tmp_path / "cli")
    for args in (["demo", "--citizens", "400", "--seed", "8"],
                 ["session", "add", "--point", "TRUSO", "--date", (ON + dt.timedelta(days=3)).isoformat(),
                  "--start", "07:00", "--end", "11:00", "--kits", "2"],
                 ["session", "assign", "1", "--limit", "20"]):
        assert main([*args, "--data-dir", d]) == 0, capsys.readouterr().err
    capsys.readouterr()
    paths.set_data_dir(d)
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            sup = auth.create_operator(s, "Trần Giám Sát", "1234", "supervisor")
            ops = (sup.id, auth.create_operator(s, "Lê Văn Cán Bộ", "5678", created_by=sup).id, None)
            for i, c in enumerate(s.query(Citizen).filter(Citizen.status == "new").limit(40).all()):
                for ev in ("attended", "card_captured", "card_delivered", "vneid_l2_captured")[: 1 + i % 4]:
                    statuses.record_event(s, c, ev, at=dt.datetime(2026, 5, 1 + i % 20, 8 + i % 9, i),
                                          point=1 + i % 2, operator_id=ops[i % 3], note=("", "ghi chú")[i % 2])
            for c in s.query(Citizen).filter(Citizen.status == "scheduled").limit(3).all():
                statuses.record_event(s, c, "card_issued")  # still booked: only the appointment says so
    finally:
        db.close()
    return d


def _orm_view(s, c: Citizen) -> dict:
    points = {p.id: p for p in s.query(Point)}
    operators = {o.id: o.name for o in s.query(Operator)}
    events: list[StatusEvent] = statuses.history(s, c.id)
    return {
        "history": [(e.event_type, e.occurred_at, points[e.point_id].code if e.point_id else None,
                     points[e.point_id].name if e.point_id else None,
                     operators.get(e.operator_id) if e.operator_id else None, e.recorded_at, e.note)
                    for e in events],
        "due": sorted(due.due_kinds_for(c, ON), key=lambda k: k.value),
        "allowed": statuses.allowed_events(statuses.state_of(c, s)),
        "renewal": due.card_renewal(c),
        "row": (c.id, c.id_number, c.full_name, c.status, c.has_card, c.vneid_stage, c.card_issued_on,
                c.birth_date, c.birth_year, c.village),
    }


def test_citizen_status_agrees_with_the_orm(data: str) -> None:
    paths.set_data_dir(data)
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            citizens = s.query(Citizen).filter(Citizen.id_number.isnot(None)).order_by(Citizen.id).all()
            expected = {c.id_number: _orm_view(s, c) for c in citizens}
        booked = 0
        with db.reader() as conn:
            for idn, want in expected.items():
                st = citizen_status(conn, idn, ON)
                c = st.citizen
                got = {
                    "history": [(e.event_type, e.occurred_at, e.point_code, e.point_name, e.operator,
                                 e.recorded_at, e.note) for e in st.history],
                    "due": st.due, "allowed": st.allowed_events,
                    "renewal": (st.card_counted_from, st.card_renew_on),
                    "row": (c.id, c.id_number, c.full_name, c.status, c.has_card, c.vneid_stage, c.card_issued_on,
                            c.birth_date, c.birth_year, c.village),
                }
                assert got == want, idn
                booked += "no_show" in st.allowed_events and c.status == "card_issued"
            with pytest.raises(ValidationError, match="Không tìm thấy công dân"):
                citizen_status(conn, "000000000000", ON)
        # the data has what the comparison is about: operators, notes, cards, booked appointments
        assert booked and any(v["history"] and v["history"][0][4] for v in expected.values())
        assert any(v["renewal"][0] for v in expected.values())
    finally:
        db.close()


def test_search_rows_is_the_session_search(data: str) -> None:
    paths.set_data_dir(data)
    db = open_database(paths.db_path())
    try:
        for text, limit, offset in (("nguyen", 7, 3), ("an", 50, 0), ("0", 5, 2), ("qqqzzz", 5, 0)):
            with db.session() as s:
                want = search(s, text, limit=limit, offset=offset)
            with db.reader() as conn:
                assert search_rows(conn, text, limit=limit, offset=offset) == want
    finally:
        db.close()


_PROBE = (
    "import sys\n"
    "from desktop.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')), file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def test_search_and_status_start_without_sqlalchemy(data: str) -> None:
    def run(*args: str) -> tuple[str, str]:
        p = subprocess.run([sys.executable, "-c", _PROBE, *args, "--data-dir", data, "--json"],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return p.stdout, p.stderr.strip().splitlines()[-1]

    out, loaded = run("search", "nguyen", "--limit", "5")
    assert loaded == "[]"
    idn = json.loads(out)["rows"][0]["id_number"]
    out, loaded = run("status", idn)
    assert loaded == "[]" and json.loads(out)["id_number"] == idn
    _, loaded = run("due", "--limit", "1")  # the other commands still go through the ORM
    assert "sqlalchemy.orm" in loaded
