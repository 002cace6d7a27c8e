"""printouts + CLI against a real migrated database: selection, empty selection (exit 2), files written."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name
from desktop import config
from desktop.errors import ServiceError
from desktop.models import Appointment, Citizen, Point, StatusEvent, Target
from desktop.printing.data import NothingToPrint
from desktop.services import scheduling
from desktop.services.documents import printouts
from tests.support.print_pages import decode_qr, page_texts, render_png

DAY = dt.date(2026, 3, 5)
_serial = itertools.count(1)
PEOPLE = [("Nguyễn Thị Thuý", "Thôn Đông"), ("Đặng Văn Hoà", "Thôn Đông"), ("Ưng Hoàng Phúc", "Thôn Tây"),
          ("Lê Ỷ", "Thôn Tây"), ("Trần Thị Hòa", "Thôn Đông")]


def _citizen(s, name: str, village: str) -> Citizen:
    name = nfc(name)
    p = split_name(name)
    now = dt.datetime(2025, 1, 1, 8)
    c = Citizen(id_number=f"05619{next(_serial):07d}", full_name_raw=name, full_name=name, family_name=p.family,
                middle_name=p.middle, given_name=p.given, name_key=fold(name), given_key=fold(p.given),
                sort_given=name_sort_key(name, NameOrder.GIVEN), sort_family=name_sort_key(name, NameOrder.FAMILY),
                birth_year=1980, village=village, village_key=fold(village), created_at=now, updated_at=now)
    s.add(c)
    s.flush()
    return c


@pytest.fixture
def commune_db(db):
    _seed(db)
    return db


def _seed(db) -> None:
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56", "Khánh Hòa"))
        point = Point(code="P1", name="Nhà văn hóa thôn Đông", address="Thôn Đông", kind="mobile", active=True)
        s.add(point)
        s.flush()
        sess = scheduling.create_enrollment_session(s, point_id=point.id, day=DAY, start="07:30", end="11:00")
        now = dt.datetime(2026, 3, 1, 8)
        for i, (name, village) in enumerate(PEOPLE):
            c = _citizen(s, name, village)
            a = Appointment(code=scheduling.new_appointment_code(s), citizen_id=c.id, session_id=sess.id,
                            slot_start=dt.time(7, 30), purpose="both", state="booked", created_at=now)
            s.add(a)
            s.flush()
            ev = "attended" if i < 3 else "no_show"
            for e in ([ev, "card_captured"] if ev == "attended" else [ev]):
                s.add(StatusEvent(citizen_id=c.id, event_type=e, occurred_at=dt.datetime(2026, 3, 5, 9),
                                  occurred_on=DAY, point_id=point.id, appointment_id=a.id, note="",
                                  recorded_at=dt.datetime(2026, 3, 5, 9)))
        s.add(Target(indicator="card_captured", value=400, updated_at=now))


def _ids(db):
    with db.session() as s:
        a = s.query(Appointment).first()
        return a.session_id, s.query(Point).first().id


def test_slips_from_the_database_decode_to_their_codes(commune_db) -> None:
    sid, _ = _ids(commune_db)
    with commune_db.session() as s:
        slips = printouts.slips(s, printouts.Selection(enrollment_session_id=sid, village="thon dong"))
        codes = {a.code for a in s.query(Appointment)}
        pdf = printouts.slips_pdf(s, printouts.Selection(enrollment_session_id=sid), "a6", officer="Phạm Văn Minh")
    assert {x.full_name for x in slips} == {"Nguyễn Thị Thuý", "Đặng Văn Hoà", "Trần Thị Hòa"}
    assert all(x.unit.commune_name == "Đặc khu Trường Sa" for x in slips)
    text = page_texts(pdf)[0]
    assert "CÔNG AN ĐẶC KHU TRƯỜNG SA" in text and "CÔNG AN TỈNH KHÁNH HÒA" in text
    found = decode_qr(render_png(pdf, 1, 200))
    assert len(found) == 4 and set(found) <= codes


def test_village_list_and_order(commune_db) -> None:
    _, pid = _ids(commune_db)
    with commune_db.session() as s:
        doc = printouts.village_list(s, printouts.Selection(day=DAY, point_id=pid, village="Thôn Tây"))
        pdf = printouts.list_pdf(s, printouts.Selection(day=DAY), order="family")
    assert [r.full_name for r in doc.rows] and doc.village == "Thôn Tây" and doc.order == "given"
    assert {r.full_name for r in doc.rows} == {"Ưng Hoàng Phúc", "Lê Ỷ"}
    text = page_texts(pdf)[0]
    for name, _ in PEOPLE:
        assert name in text


def test_empty_selection_raises_a_service_error(commune_db) -> None:
    with commune_db.session() as s, pytest.raises(NothingToPrint) as e:
        printouts.village_list(s, printouts.Selection(day=DAY, village="Thôn Không Có"))
    assert isinstance(e.value, ServiceError)
    assert "Không có lịch hẹn nào" in e.value.message and "Thôn Không Có" in e.value.message


def test_daily_report_figures(commune_db) -> None:
    with commune_db.session() as s:
        d = printouts.daily_report(s, DAY, include_no_show_names=True)
    card = next(i for i in d.indicators if i.key == "card_captured")
    assert (card.today, card.cumulative, card.target) == (3, 3, 400)
    assert d.no_show_count == 2 and d.appointments_count == 5 and d.attended_count == 3
    assert {n.full_name for n in d.no_shows or []} == {"Lê Ỷ", "Trần Thị Hòa"}
    assert {v.village for v in d.villages} == {"Thôn Đông", "Thôn Tây"}


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    from desktop.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_and_refuses_empty_selections(tmp_path: Path, capsys) -> None:
    from desktop import paths
    from desktop.storage.db import open_database

    db = open_database(paths.db_path())  # the per-test data dir the CLI opens too
    _seed(db)
    db.close()
    base: list[str] = []
    out = tmp_path / "ds.pdf"
    code, stdout, err = _cli(["print", "list", *base, "--date", "2026-03-05", "--out", str(out)], capsys)
    assert code == 0, err
    assert PdfReader(io.BytesIO(out.read_bytes())).pages

    code, _, err = _cli(["print", "list", *base, "--date", "2026-03-06", "--out", str(tmp_path / "x.pdf")], capsys)
    assert code == 2
    assert "Không có lịch hẹn nào" in err
    assert not (tmp_path / "x.pdf").exists()  # never a blank PDF

    code, _, err = _cli(["print", "slips", *base, "--date", "05/03/2026", "--format", "thermal",
                         "--out", str(tmp_path / "slips.pdf")], capsys)
    assert code == 0, err
    assert len(PdfReader(str(tmp_path / "slips.pdf")).pages) == 5

    code, stdout, err = _cli(["print", "report", *base, "--json", "--date", "2026-03-05", "--xlsx",
                              "--out", str(tmp_path / "bc.xlsx")], capsys)
    assert code == 0, err
    assert json.loads(stdout)["document"] == "report"
    assert "Chỉ tiêu" in load_workbook(tmp_path / "bc.xlsx").sheetnames

    code, _, err = _cli(["print", "list", *base, "--date", "2026-03-05", "--xlsx", "--out", str(tmp_path / "a.pdf")],
                        capsys)
    assert code == 2 and ".xlsx" in err


def test_cli_report_lists_absent_names_only_with_absent_names(tmp_path: Path, capsys) -> None:
    from desktop import paths
    from desktop.storage.db import open_database

    db = open_database(paths.db_path())
    _seed(db)
    db.close()
    texts = {}
    for flag in ([], ["--absent-names"]):
        out = tmp_path / f"bc{len(flag)}.pdf"
        code, _, err = _cli(["print", "report", "--date", "2026-03-05", *flag, "--out", str(out)], capsys)
        assert code == 0, err
        texts[bool(flag)] = "\n".join(page_texts(out.read_bytes()))
    assert "Lê Ỷ" in texts[True] and "Trần Thị Hòa" in texts[True]
    assert "Lê Ỷ" not in texts[False] and "Trần Thị Hòa" not in texts[False]
    code, _, err = _cli(["print", "report", "--no-show-names", "--out", str(tmp_path / "x.pdf")], capsys)
    assert code == 2 and "--no-show-names" in err  # the old, misleading flag is gone
