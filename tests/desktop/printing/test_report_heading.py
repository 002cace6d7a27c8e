"""The daily report as the commune sends it (Decree 30/2020 heading, Kính gửi, Nơi nhận), a point's
report without the commune's percentage, and targets per village — all read back from the PDF with pypdf."""

from __future__ import annotations

import json

import pytest

from desktop import paths
from desktop.errors import ValidationError
from desktop.services.documents import printouts
from desktop.services.figures import progress, village_targets
from desktop.storage.db import open_database
from tests.support.print_pages import flat_text as _flat
from tests.support.report_commune import REPORT_DAY as DAY
from tests.support.report_commune import seed_two_points as _seed


def test_heading_recipients_and_village_targets(db) -> None:
    _seed(db)
    with db.session() as s:
        pdf = printouts.report_pdf(s, DAY, number="12")
    text = _flat(pdf)
    assert "Số: 12/BC-CAP" in text  # a phường's police
    assert "Nha Trang, ngày 05 tháng 01 năm 2026" in text
    assert "Kính gửi:" in text and "Ban Chỉ đạo Đề án 06 phường Nha Trang" in text
    assert "Công an tỉnh Khánh Hòa" in text
    assert "Nơi nhận:" in text and "- Như trên;" in text and "Lưu: VT" in text
    assert "Hồ sơ cấp thẻ căn cước đã thu nhận" in text and "CCCD" not in text
    assert "10,00" in text  # 4 of the commune's 40
    # per village: Tổ dân phố 2 met 3 of 3, Thôn Đông 1 of 4, Tổ dân phố 10 (nothing done) 0 of 2
    assert "Chỉ tiêu của thôn: tỷ lệ đạt" in text
    assert "100,00 % — Đạt" in text and "25,00 % — Chưa đạt" in text and "0,00 % — Chưa đạt" in text
    assert text.index("Thôn Đông") < text.index("Tổ dân phố 2") < text.index("Tổ dân phố 10")


def test_point_report_has_no_commune_percentage(db) -> None:
    p1 = _seed(db)
    with db.session() as s:
        data = printouts.daily_report(s, DAY, p1)
        pdf = printouts.report_pdf(s, DAY, p1)
    assert all(line.target is None and line.percent is None for line in data.indicators)
    assert all(not v.targets for v in data.villages)
    text = _flat(pdf)
    assert "Điểm thu nhận: Nhà văn hóa tổ dân phố 2" in text
    assert "không so với chỉ tiêu giao cho toàn xã" in text
    assert "7,50" not in text and "40" not in text.split("Chỉ tiêu giao")[1].split("Lịch hẹn")[0]


def test_progress_per_village_answers_which_met(db) -> None:
    _seed(db)
    with db.session() as s:
        p = progress.progress(s, DAY)
        by = {v.village: v for v in p.villages}
        assert by["Tổ dân phố 2"].met is True and by["Tổ dân phố 2"].target_percent["card_captured"] == 100.0
        assert by["Thôn Đông"].met is False and by["Thôn Đông"].target_percent["card_captured"] == 25.0
        assert by["Tổ dân phố 10"].met is False


def test_village_target_rules(db) -> None:
    _seed(db)
    with db.session() as s:
        with pytest.raises(ValidationError) as e1:
            village_targets.set_village_target(s, "Thôn Không Có", "card_captured", 5)
        assert "Không có thôn/tổ" in str(e1.value)
        with pytest.raises(ValidationError):
            village_targets.set_village_target(s, "Thôn Đông", "no_show", 5)
        with pytest.raises(ValidationError):
            village_targets.set_village_target(s, "Thôn Đông", "card_captured", 0)
        assert village_targets.clear_village_target(s, "thon dong") == 1
        assert [r.village for r in village_targets.list_village_targets(s)] == ["Tổ dân phố 2", "Tổ dân phố 10"]


def test_cli_target_village_and_report_number(tmp_path, capsys) -> None:
    from desktop.cli import main

    db = open_database(paths.db_path())
    _seed(db)
    db.close()
    assert main(["--json", "target", "village", "thon dong", "vneid_activated", "7"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"village": "Thôn Đông", "village_key": "thon dong", "indicator": "vneid_activated", "value": 7}
    assert main(["--json", "target", "list", "--date", "2026-01-05"]) == 0
    listed = json.loads(capsys.readouterr().out)["villages"]
    assert [v["village"] for v in listed] == ["Thôn Đông", "Tổ dân phố 2", "Tổ dân phố 10"]
    assert [v["met"] for v in listed] == [False, True, False]
    assert main(["target", "village", "Thôn Đông", "--clear"]) == 0
    assert main(["target", "village", "Thôn Không Có", "card_captured", "3"]) == 2
    capsys.readouterr()
    pdf = tmp_path / "bc.pdf"
    assert main(["print", "report", "--date", "2026-01-05", "--number", "07", "--out", str(pdf)]) == 0
    assert "Số: 07/BC-CAP" in _flat(pdf.read_bytes())
