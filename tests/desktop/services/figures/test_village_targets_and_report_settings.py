"""Village targets as a supervisor's audited action (service and CLI), a point's progress
without the commune's target, the daily report's "Kính gửi"/"Nơi nhận" as settings (PDF and XLSX read back),
the XLSX heading and village-target column, the village list's precise words, and the progress denominator's
birth-year rule."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop import config, paths
from desktop.errors import PermissionDenied, ValidationError
from desktop.models import AuditEntry, Citizen
from desktop.services import auth
from desktop.services.documents import printouts
from desktop.services.documents.export_xlsx import report_xlsx
from desktop.services.figures import progress, report_settings, village_targets
from desktop.services.register.citizens import add_citizen
from desktop.settings_keys import KEY_REPORT_CC
from desktop.storage.db import open_database
from tests.support.booked import book_four_people
from tests.support.print_pages import flat_text as _flat
from tests.support.print_pages import page_texts
from tests.support.report_commune import REPORT_DAY as DAY
from tests.support.report_commune import seed_two_points as _seed


def _accounts(s):
    sup = auth.create_operator(s, "Trưởng Công An", "2468", "supervisor")
    off = auth.create_operator(s, "Cán Bộ Một", "1357", "operator", created_by=sup)
    return sup, off


def _audit(s, action: str) -> list[AuditEntry]:
    return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_village_target_needs_a_supervisor_once_accounts_exist_and_is_audited(db) -> None:
    _seed(db)
    with db.session() as s:
        # before any account: the headless path sets it (the seed did), and it is audited without an operator
        assert [e.operator_id for e in _audit(s, "village_target_set")] == [None, None, None]
        sup, off = _accounts(s)
        with pytest.raises(PermissionDenied):
            village_targets.set_village_target(s, "Thôn Đông", "card_captured", 9)  # nobody named
        with pytest.raises(PermissionDenied):
            village_targets.set_village_target(s, "Thôn Đông", "card_captured", 9, operator=off)
        with pytest.raises(PermissionDenied):
            village_targets.clear_village_target(s, "Thôn Đông", operator=off)
        row = village_targets.set_village_target(s, "Thôn Đông", "card_captured", 9, operator=sup)
        assert row.value == 9
        last = _audit(s, "village_target_set")[-1]
        assert (last.operator_id, last.entity, last.detail) == (sup.id, "village_target", "card_captured=9")
        assert village_targets.clear_village_target(s, "thon dong", operator=sup) == 1
        cleared = _audit(s, "village_target_clear")
        assert [(e.operator_id, e.detail) for e in cleared] == [(sup.id, "all: 1")]
        assert village_targets.village_targets(s).get("thon dong") is None


def test_cli_target_asks_a_supervisor_once_accounts_exist(monkeypatch, capsys) -> None:
    from desktop.cli import main

    db = open_database(paths.db_path())
    _seed(db)
    with db.session() as s:
        sup, _off = _accounts(s)
        sup_id = sup.id
    db.close()
    assert main(["target", "village", "Thôn Đông", "card_captured", "6"]) != 0  # no --by
    assert "--by" in capsys.readouterr().err
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "1357")  # the operator's PIN is not the supervisor's
    assert main(["target", "village", "Thôn Đông", "card_captured", "6", "--by", "Cán Bộ Một"]) != 0
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    capsys.readouterr()
    assert main(["--json", "target", "village", "Thôn Đông", "card_captured", "6", "--by", "Trưởng Công An"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 6
    db = open_database(paths.db_path())
    with db.session() as s:
        assert village_targets.village_targets(s)["thon dong"]["card_captured"] == 6
        assert _audit(s, "village_target_set")[-1].operator_id == sup_id
    db.close()


def test_point_progress_has_no_commune_target(db) -> None:
    p1 = _seed(db)
    with db.session() as s:
        whole = progress.progress(s, DAY)
        point = progress.progress(s, DAY, point_id=p1)
    assert whole.get("card_captured").target == 40 and whole.get("card_captured").percent == 10.0
    card = point.get("card_captured")
    assert card.cumulative == 3
    assert card.target is None and card.percent is None and card.met is False and card.projected is None
    assert all(i.target is None for i in point.indicators)
    assert all(not v.targets and not v.target_percent and v.met is None for v in point.villages)
    assert any(v.targets for v in whole.villages)


def test_eligible_counts_a_birth_year_from_31_december(db) -> None:
    with db.session() as s:
        add_citizen(s, {"full_name": "Nguyễn Văn Năm", "birth_year": 2012, "village": "Thôn Đông"})
        add_citizen(s, {"full_name": "Trần Thị Mười", "birth_year": 2011, "village": "Thôn Đông"})
        add_citizen(s, {"full_name": "Lê Văn Một", "birth_date": dt.date(2012, 1, 1), "village": "Thôn Đông"})
        # born in 2012 (year only): not yet certainly 14 on 2 January 2026, nor on 30 December 2026
        assert progress.eligible_count(s, dt.date(2026, 1, 2)) == 2
        assert progress.eligible_count(s, dt.date(2026, 12, 30)) == 2
        assert progress.eligible_count(s, dt.date(2026, 12, 31)) == 3
        assert progress.eligible_count(s, dt.date(2025, 12, 30)) == 0  # 2011 only: 14 from 31/12/2025
        assert progress.eligible_count(s, dt.date(2025, 12, 31)) == 1
        assert progress.progress(s, dt.date(2026, 1, 2)).eligible == 2


def test_recipients_are_a_supervisor_setting_and_reach_pdf_and_xlsx(db) -> None:
    _seed(db)
    with db.session() as s:
        default = report_settings.get_recipients(s)
        assert default.to == () and default.effective_to[0] == "Ban Chỉ đạo Đề án 06 phường Nha Trang"
        saved = report_settings.set_recipients(
            s, ["Ban Chỉ đạo Đề án 06 phường Nha Trang", "Đảng ủy phường Nha Trang;"], ["UBND phường Nha Trang"])
        assert saved.to == ("Ban Chỉ đạo Đề án 06 phường Nha Trang", "Đảng ủy phường Nha Trang")
        assert config.get(s, KEY_REPORT_CC) == "UBND phường Nha Trang"
        sup, off = _accounts(s)
        with pytest.raises(PermissionDenied):
            report_settings.set_recipients(s, cc=["Công an tỉnh"], operator=off)
        with pytest.raises(ValidationError):
            report_settings.set_recipients(s, cc=["x" * 201], operator=sup)
        with pytest.raises(ValidationError):
            report_settings.set_recipients(s, cc=[f"Nơi {i}" for i in range(9)], operator=sup)
        report_settings.set_recipients(s, cc=["UBND phường Nha Trang", "Công an tỉnh Khánh Hòa (PC06)"], operator=sup)
        assert [e.operator_id for e in _audit(s, "report_recipients")] == [None, sup.id]
        data = printouts.daily_report(s, DAY, number="12")
    assert data.recipients == ("Ban Chỉ đạo Đề án 06 phường Nha Trang", "Đảng ủy phường Nha Trang")
    assert data.copies == ("UBND phường Nha Trang", "Công an tỉnh Khánh Hòa (PC06)")
    from desktop.printing.daily_report import build_report_pdf

    flat = _flat(build_report_pdf(data))
    assert "Kính gửi: - Ban Chỉ đạo Đề án 06 phường Nha Trang; - Đảng ủy phường Nha Trang." in flat
    assert "Nơi nhận: - Như trên; - UBND phường Nha Trang; - Công an tỉnh Khánh Hòa (PC06); - Lưu: VT, CAP." in flat

    ws = load_workbook(io.BytesIO(report_xlsx(data)))["Chỉ tiêu"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Số: 12/BC-CAP" in cells and "CÔNG AN PHƯỜNG NHA TRANG" in cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert any(c.startswith("Nha Trang, ngày 05 tháng 01 năm 2026") for c in cells)
    i = cells.index("Kính gửi:")
    assert cells[i + 1: i + 3] == ["- Ban Chỉ đạo Đề án 06 phường Nha Trang;", "- Đảng ủy phường Nha Trang."]
    j = cells.index("Nơi nhận:")
    assert cells[j + 1: j + 5] == ["- Như trên;", "- UBND phường Nha Trang;", "- Công an tỉnh Khánh Hòa (PC06);",
                                   "- Lưu: VT, CAP."]


def test_xlsx_village_target_column_matches_the_pdf(db) -> None:
    p1 = _seed(db)
    with db.session() as s:
        data = printouts.daily_report(s, DAY)
        point_data = printouts.daily_report(s, DAY, p1)
    wv = load_workbook(io.BytesIO(report_xlsx(data)))["Theo thôn, tổ"]
    head = [c.value for c in wv[1]]
    assert head[-1] == "Chỉ tiêu của thôn: tỷ lệ đạt"
    col = len(head)
    by = {wv.cell(r, 2).value: wv.cell(r, col).value for r in range(2, wv.max_row + 1)}
    assert by["Tổ dân phố 2"].endswith(": 100,00 % — Đạt")
    assert by["Thôn Đông"].endswith("25,00 % — Chưa đạt")
    assert by["Tổ dân phố 10"].endswith("0,00 % — Chưa đạt")
    from desktop.printing.daily_report import build_report_pdf

    flat = _flat(build_report_pdf(data))
    assert by["Thôn Đông"].split(": ")[-1] in flat  # the same words as on paper
    # a point's spreadsheet: no village-target column, no commune target, and the note the PDF carries
    wb = load_workbook(io.BytesIO(report_xlsx(point_data)))
    assert "Chỉ tiêu của thôn: tỷ lệ đạt" not in [c.value for c in wb["Theo thôn, tổ"][1]]
    cells = [str(c.value) for row in wb["Chỉ tiêu"].iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("Báo cáo của một điểm thu nhận: không so với chỉ tiêu") for c in cells)


def test_cli_report_to_and_cc_are_stored(tmp_path, monkeypatch, capsys) -> None:
    from desktop.cli import main

    db = open_database(paths.db_path())
    _seed(db)
    db.close()
    out = tmp_path / "bc.pdf"
    assert main(["print", "report", "--date", "2026-01-05", "--to", "Ban Chỉ đạo Đề án 06 phường Nha Trang",
                 "--cc", "UBND phường Nha Trang", "--out", str(out)]) == 0
    flat = _flat(out.read_bytes())
    assert "Kính gửi: Ban Chỉ đạo Đề án 06 phường Nha Trang." in flat
    assert "- UBND phường Nha Trang;" in flat
    xlsx = tmp_path / "bc.xlsx"
    assert main(["print", "report", "--date", "2026-01-05", "--xlsx", "--out", str(xlsx)]) == 0  # kept
    cells = [str(c.value) for row in load_workbook(xlsx)["Chỉ tiêu"].iter_rows() for c in row if c.value]
    assert "Kính gửi: Ban Chỉ đạo Đề án 06 phường Nha Trang." in cells and "- UBND phường Nha Trang;" in cells
    db = open_database(paths.db_path())
    with db.session() as s:
        _accounts(s)
    db.close()
    capsys.readouterr()
    assert main(["print", "report", "--date", "2026-01-05", "--cc", "", "--out", str(out)]) != 0  # no --by
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    assert main(["print", "report", "--date", "2026-01-05", "--cc", "", "--by", "Trưởng Công An",
                 "--out", str(out)]) == 0
    assert "UBND phường Nha Trang" not in _flat(out.read_bytes())


@pytest.fixture
def booked(db):
    return book_four_people(db)


def test_village_list_says_first_card_renewal_register_or_activate(booked) -> None:
    db, es_id = booked
    with db.session() as s:
        doc = printouts.village_list(s, printouts.Selection(enrollment_session_id=es_id))
        pdf = printouts.list_pdf(s, printouts.Selection(enrollment_session_id=es_id))
        names = {c.full_name: c.id for c in s.scalars(select(Citizen))}
    assert {r.full_name: r.purpose for r in doc.rows} == {
        "Y Bih Niê Kdăm": "card_first", "Nguyễn Thị Thuý": "card_renew", "Trần Văn Bình": "vneid",
        "H'Hen Niê": "vneid_activate"}
    assert len(names) == 4
    flat = " ".join(unicodedata.normalize("NFC", " ".join(page_texts(pdf))).split())
    for words in ("Cấp thẻ lần đầu", "Cấp đổi thẻ", "Đăng ký VNeID mức 2", "Kích hoạt VNeID"):
        assert words in flat, words
    rows = flat.split("Ký nhận", 1)[1]  # the title says what the campaign is; the rows say what each person does
    assert "Cấp thẻ căn cước" not in rows
