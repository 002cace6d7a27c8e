"""`enrollpoint import FILE [--report OUT]`: load a citizen list (CSV or XLSX) into the register."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.context import CliContext, UsageError

# The importer is imported inside the handler: see the note in desktop/cli/register_cmds.py.


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[common],
        help="nhập danh sách công dân từ CSV/XLSX (import a citizen list)",
        description="Nhập danh sách công dân (CSV UTF-8/UTF-16/Windows-1258/TCVN3/VNI hoặc XLSX). "
        "Dòng lỗi được ghi vào báo cáo <tên tệp>.loi.csv bên cạnh tệp nhập. Nhập lại cùng tệp không tạo "
        "bản ghi trùng.",
    )
    p.add_argument("file", metavar="FILE", help="tệp danh sách (.csv, .txt, .xlsx, .xls)")
    p.add_argument("--report", metavar="OUT", help="nơi ghi báo cáo lỗi (.csv hoặc .xlsx)")
    p.add_argument("--operator-id", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.importer import ImportFileError, import_file

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"Không tìm thấy tệp {path}", en=f"File {path} not found")
    try:
        r = import_file(ctx.db, path, report_path=args.report, operator_id=args.operator_id)
    except ImportFileError as exc:
        raise UsageError(exc.message, en=exc.words("en")) from exc
    data = r.as_dict()
    lines = [
        f"Đã nhập {path.name} ({r.encoding}): {r.rows_total} dòng dữ liệu",
        f"  thêm mới:        {r.inserted}",
        f"  cập nhật:        {r.updated}",
        f"  không đổi:       {r.unchanged}",
        f"  nghi trùng:      {r.possible_duplicates}",
        f"  cảnh báo:        {r.warnings}",
        f"  dòng lỗi:        {r.errors}",
    ]
    if r.report_path:
        lines.append(f"Báo cáo lỗi: {r.report_path}")
    ctx.output(data, "\n".join(lines))
    return 0
