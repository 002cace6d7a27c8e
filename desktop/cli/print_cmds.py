"""`enrollpoint print slips|list|report|due`: the same documents the print dialog shows, to a file.

    enrollpoint print slips  --session 12 [--village "Thôn 3"] [--format a6|thermal] --out slips.pdf
    enrollpoint print list   --date 2026-03-05 [--point P01] [--village V] [--order given|family] --out ds.pdf
    enrollpoint print list   --session 12 --xlsx --out ds.xlsx
    enrollpoint print report --date 2026-03-05 [--point P01] [--absent-names] [--xlsx] --out bc.pdf
    enrollpoint print due    [--village "Buôn Ko Sier"] [--kind renew] [--date D] [--xlsx] --out can-den.pdf

An empty selection is exit 2 with a Vietnamese reason, never a blank PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from common.files import atomic_write
from desktop.cli.context import CliContext, UsageError, parse_day
from desktop.services.due.kinds import DueKind  # standard library only: the --kind choices

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.services.documents.printouts import Selection

# Handlers import what they use: desktop.printing, printouts and export_xlsx load ReportLab and openpyxl
# (a few hundred ms), the models and services ~0.1 s, which every other command would pay at start-up.


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("print", parents=[common], help="in giấy hẹn, danh sách thôn/tổ, báo cáo ngày")
    what = p.add_subparsers(dest="document", metavar="DOCUMENT", parser_class=type(p))
    what.required = True

    def filters(q: argparse.ArgumentParser, *, village: bool = True) -> None:
        q.add_argument("--session", dest="enrollment_session_id", type=int, help="mã buổi thu nhận")
        q.add_argument("--date", help="ngày (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định hôm nay")
        q.add_argument("--point", help="mã điểm thu nhận (hoặc số id)")
        if village:
            q.add_argument("--village", help="thôn/tổ dân phố")
        q.add_argument("--out", required=True, help="tệp kết quả (.pdf, hoặc .xlsx với --xlsx)")

    s = what.add_parser("slips", parents=[common], help="giấy hẹn")
    filters(s)
    s.add_argument("--format", choices=("a6", "thermal"), default="a6", help="A6 (4 tờ/A4) hoặc giấy in nhiệt 80 mm")
    s.add_argument("--officer", default="", help="tên cán bộ hẹn in trên giấy")
    s.set_defaults(func=_slips)

    lst = what.add_parser("list", parents=[common], help="danh sách theo thôn/tổ")
    filters(lst)
    lst.add_argument("--order", choices=("given", "family"), help="xếp theo tên (given) hoặc họ (family)")
    lst.add_argument("--xlsx", action="store_true", help="xuất bảng tính .xlsx thay cho PDF")
    lst.set_defaults(func=_list)

    r = what.add_parser("report", parents=[common], help="báo cáo ngày")
    filters(r, village=False)
    r.add_argument(
        "--absent-names", action="store_true", help="kèm danh sách tên người vắng mặt (dữ liệu cá nhân)"
    )
    r.add_argument("--prepared-by", default="", help="người lập biểu")
    r.add_argument("--chief", default="", help="tên trưởng công an xã/phường/đặc khu")
    r.add_argument("--number", default="", help="số văn bản (Số: …/BC-CAX); bỏ trống để ghi tay")
    r.add_argument("--to", action="append", metavar="NƠI",
                   help="“Kính gửi” (lặp lại cho nhiều nơi; được lưu cho các lần sau; --to '' về mặc định)")
    r.add_argument("--cc", action="append", metavar="NƠI",
                   help="nơi nhận khác ở “Nơi nhận” (lặp lại được; được lưu; --cc '' để xoá)")
    r.add_argument("--by", metavar="SUPERVISOR",
                   help="người phụ trách xác nhận khi đổi --to/--cc (PIN: ENROLLPOINT_SUPERVISOR_PIN)")
    r.add_argument("--xlsx", action="store_true", help="xuất bảng tính .xlsx thay cho PDF")
    r.set_defaults(func=_report)

    d = what.add_parser("due", parents=[common], help="danh sách người cần đến theo thôn/tổ (cho trưởng thôn, MTTQ)")
    d.add_argument("--village", help="chỉ một thôn/tổ dân phố")
    d.add_argument("--date", help="tính đến ngày (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định hôm nay")
    d.add_argument("--kind", choices=[k.value for k in DueKind],
                   help="chỉ một loại việc: first_card, renew (cấp đổi), vneid_register, vneid_activate")
    d.add_argument("--xlsx", action="store_true", help="xuất bảng tính .xlsx thay cho PDF")
    d.add_argument("--out", required=True, help="tệp kết quả (.pdf, hoặc .xlsx với --xlsx)")
    d.set_defaults(func=_due)


def _parse_day(text: str | None) -> dt.date | None:
    return parse_day(text) if text else None


def _point_id(session: Session, text: str | None) -> int | None:
    from desktop.models import Point
    from desktop.services.register.points import get_point_by_code

    if not text:
        return None
    p = get_point_by_code(session, text)
    if p is None and text.isdigit():
        p = session.get(Point, int(text))
    if p is None:
        raise UsageError(f"Không có điểm thu nhận '{text}'.", en=f"There is no enrolment point '{text}'.")
    return p.id


def _selection(args: argparse.Namespace, session: Session) -> Selection:
    from desktop.services.documents.printouts import Selection

    day = _parse_day(args.date)
    if args.enrollment_session_id is None and day is None:
        day = dt.date.today()  # an enrollment session id alone selects; otherwise the day (default today) does
    return Selection(enrollment_session_id=args.enrollment_session_id, day=day,
                     point_id=_point_id(session, args.point), village=getattr(args, "village", None))


def _write(path: str, data: bytes) -> Path:
    """Write atomically: a half-written PDF on a USB stick is worse than none."""
    return atomic_write(Path(path).expanduser(), data)


def _done(ctx: CliContext, out: Path, what: str, count: int, data: bytes) -> int:
    ctx.output({"out": str(out), "document": what, "count": count, "bytes": len(data)},
               f"Đã ghi {out} ({count} {'giấy hẹn' if what == 'slips' else 'dòng'}).")
    return 0


def _check_ext(args: argparse.Namespace) -> None:
    want = ".xlsx" if getattr(args, "xlsx", False) else ".pdf"
    if Path(args.out).suffix.lower() != want:
        raise UsageError(f"Tệp kết quả phải có đuôi {want}: {args.out}",
                         en=f"The output file must end in {want}: {args.out}")


def _slips(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.printing.slips import build_slips_pdf
    from desktop.services.documents import printouts

    _check_ext(args)
    with ctx.db.session() as s:
        sel = _selection(args, s)
        slips = printouts.slips(s, sel, args.officer)
    data = build_slips_pdf(slips, args.format)
    return _done(ctx, _write(args.out, data), "slips", len(slips), data)


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.documents import printouts

    _check_ext(args)
    with ctx.db.session() as s:
        sel = _selection(args, s)
        doc = printouts.village_list(s, sel, args.order)
    if args.xlsx:
        from desktop.services.documents.export_xlsx import list_xlsx  # openpyxl: only for a spreadsheet

        data = list_xlsx(doc)
    else:
        from desktop.printing.village_list import build_list_pdf

        data = build_list_pdf(doc)
    return _done(ctx, _write(args.out, data), "list", len(doc.rows), data)


def _report(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.printing.daily_report import build_report_pdf
    from desktop.services.documents import printouts
    from desktop.services.documents.export_xlsx import report_xlsx

    _check_ext(args)
    if args.enrollment_session_id is not None:
        raise UsageError("Báo cáo ngày chọn theo --date và --point, không theo --session.",
                         en="The daily report is chosen by --date and --point, not by --session.")
    if args.to is not None or args.cc is not None:  # a supervisor's setting, stored for the next reports
        from desktop.cli.admin_cmds import supervisor_if_accounts
        from desktop.services.figures import report_settings

        with ctx.db.session() as s:
            by = supervisor_if_accounts(ctx, s, args.by)
            report_settings.set_recipients(s, args.to, args.cc, operator=by)
    with ctx.db.session() as s:
        day = _parse_day(args.date) or dt.date.today()
        data = printouts.daily_report(s, day, _point_id(s, args.point),
                            include_no_show_names=args.absent_names, prepared_by=args.prepared_by,
                            chief_name=args.chief, number=args.number)
    out = report_xlsx(data) if args.xlsx else build_report_pdf(data)
    return _done(ctx, _write(args.out, out), "report", len(data.indicators), out)


def _due(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.documents.due_lists import due_list_doc

    _check_ext(args)
    on = _parse_day(args.date) or dt.date.today()
    with ctx.db.session() as s:
        doc = due_list_doc(s, on, args.village, args.kind)
    if args.xlsx:
        from desktop.services.documents.export_xlsx import due_list_xlsx  # openpyxl: only for a spreadsheet

        data = due_list_xlsx(doc)
    else:
        from desktop.printing.due_list import build_due_list_pdf

        data = build_due_list_pdf(doc)
    return _done(ctx, _write(args.out, data), "due", doc.people, data)
