"""`enrollpoint import FILE [--report OUT] [--json]`."""

from __future__ import annotations

import json

from desktop.cli import main
from tests.support.import_files import HEADER, people_rows, write_csv


def test_cli_import_json_and_reimport(tmp_path, capsys):
    rows = [HEADER, *people_rows(), ["9", "Ai Đó", "31/02/1990", "Nam", "", "", ""]]
    path = write_csv(tmp_path / "ds.csv", rows)
    data_dir = str(tmp_path / "data")
    assert main(["import", str(path), "--data-dir", data_dir, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("inserted", "updated", "unchanged", "errors", "possible_duplicates")} == {
        "inserted": 4, "updated": 0, "unchanged": 0, "errors": 1, "possible_duplicates": 0}
    assert out["report_path"] == str(tmp_path / "ds.loi.csv")
    report = tmp_path / "custom.xlsx"
    assert main(["import", str(path), "--data-dir", data_dir, "--report", str(report)]) == 0
    text = capsys.readouterr().out
    assert "không đổi:       4" in text and report.exists()


def test_cli_import_fatal_error_exit_2(tmp_path, capsys):
    bad = tmp_path / "anh.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert main(["import", str(bad), "--data-dir", str(tmp_path / "data")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    # A fresh data dir: the database was just created, so its recovery key is shown once before the reason.
    assert all("KHÓA KHÔI PHỤC" in line or line.startswith("    ") for line in lines[:-1])
    reason = lines[-1]
    assert reason.startswith("enrollpoint: ") and "không phải bảng tính" in reason
    assert main(["import", str(tmp_path / "missing.csv"), "--data-dir", str(tmp_path / "data")]) == 2
