"""Scheduling, check-in and progress commands (the services the schedule, check-in and progress screens use).

    enrollpoint session add --point CODE --date D --start HH:MM --end HH:MM [--slot-minutes N] [--kits N]
    enrollpoint session list [--from D] [--to D]
    enrollpoint session assign SESSION_ID [--kind K]... [--village V]... [--limit N]
    enrollpoint session appointments SESSION_ID [--village V]
    enrollpoint checkin TEXT --session SESSION_ID --action A
    enrollpoint walk-in --name NAME [--id-number N] [--birth D] [--sex nam|nữ] [--village V] [--phone P]
                        (--session SESSION_ID | --point CODE) [--at YYYY-MM-DDTHH:MM]
    enrollpoint progress [--on D] [--point CODE]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from desktop.cli.context import CliContext, UsageError, parse_day
from desktop.services.due.kinds import DUE_KINDS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = tuple(k.value for k in DUE_KINDS)

# Handlers import the models and services they use: building the parser loads every *_cmds module, and
# the domain layer (SQLAlchemy mappings, services) would add ~0.1 s to every command's start-up.


def _point_id(session: Session, code: str) -> int:
    from sqlalchemy import select

    from common.vietnamese import nfc
    from desktop.models import Point

    pid = session.scalar(select(Point.id).where(Point.code == nfc(code)))
    if pid is None:
        raise UsageError(f"Không có điểm thu nhận mã '{code}'.", en=f"There is no enrolment point '{code}'.")
    return int(pid)


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, dt.time):
        return obj.strftime("%H:%M")
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


# --- session ------------------------------------------------------------------------------------------


def _enrollment_session_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import scheduling

    day = parse_day(args.date)
    with ctx.db.session() as s:
        obj = scheduling.create_enrollment_session(s, point_id=_point_id(s, args.point), day=day, start=args.start,
            end=args.end, slot_minutes=args.slot_minutes, kits=args.kits,
            minutes_per_person=args.minutes_per_person, note=args.note or "",
        )
        summary = scheduling.enrollment_session_summary(s, obj.id)
    ctx.output(
        _jsonable(summary),
        f"Đã tạo buổi {summary.id}: {summary.point_name}, {summary.day:%d/%m/%Y} "
        f"{summary.start:%H:%M}–{summary.end:%H:%M}, {summary.capacity_per_slot} người/khung, "
        f"tổng {summary.capacity} chỗ.",
    )
    return 0


def _enrollment_session_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import scheduling

    d0 = parse_day(args.day_from, "ngày bắt đầu") if args.day_from else None
    d1 = parse_day(args.day_to, "ngày kết thúc") if args.day_to else None
    with ctx.db.session() as s:
        rows = scheduling.list_enrollment_sessions(s, d0, d1)
    lines = [
        f"{r.id:>5}  {r.day:%d/%m/%Y}  {r.start:%H:%M}–{r.end:%H:%M}  {r.point_code:<12} "
        f"{r.booked:>4}/{r.capacity:<4} {r.state}"
        for r in rows
    ]
    ctx.output([_jsonable(r) for r in rows], "\n".join(lines) if lines else "Chưa có buổi thu nhận nào.")
    return 0


def _enrollment_session_assign(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import scheduling

    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit phải là số không âm.", en="--limit must not be negative.")
    with ctx.db.session() as s:
        res = scheduling.auto_assign(s, args.enrollment_session_id, kinds=args.kind or None, villages=args.village or None,
            limit=args.limit,
        )
    ctx.output(
        _jsonable(res),
        f"Đã xếp lịch {res.assigned} người; bỏ qua {res.skipped_already_booked} người đã có lịch hẹn, "
        f"{res.skipped_state} người tạm hoãn/từ chối, {res.skipped_captured} người đã thu nhận hồ sơ; "
        f"còn {res.not_placed} người chưa có chỗ"
        + (" (buổi đã kín chỗ)." if res.full else "."),
    )
    return 0


def _enrollment_session_appointments(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import scheduling

    with ctx.db.session() as s:
        rows = scheduling.appointments_for(s, args.enrollment_session_id, args.village)
    lines = [
        f"{r.slot_start:%H:%M}  {r.code}  {r.full_name:<28} {r.birth_year or '':<5} {r.village:<18} "
        f"{r.purpose:<6} {r.state}"
        for r in rows
    ]
    ctx.output([_jsonable(r) for r in rows], "\n".join(lines) if lines else "Buổi này chưa có lịch hẹn.")
    return 0


# --- check-in -----------------------------------------------------------------------------------------


def _checkin(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.scheduling import checkin

    if args.action not in checkin.ACTIONS:
        raise UsageError(f"Thao tác '{args.action}' không hợp lệ ({', '.join(checkin.ACTIONS)}).",
                         en=f"Action '{args.action}' is not valid ({', '.join(checkin.ACTIONS)}).")
    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            raise UsageError(f"Thời điểm '{args.at}' không hợp lệ (dạng YYYY-MM-DDTHH:MM).",
                             en=f"Time '{args.at}' is not valid (use YYYY-MM-DDTHH:MM).") from None
    with ctx.db.session() as s:
        hits = checkin.lookup(s, args.text, enrollment_session_id=args.enrollment_session_id)
        if not hits:
            raise UsageError(f"Không tìm thấy công dân nào với '{args.text}'.",
                             en=f"No citizen matches '{args.text}'.")
        if len(hits) > 1 and hits[0].match == "name":
            raise UsageError(
                f"Có {len(hits)} người khớp với '{args.text}': dùng mã giấy hẹn hoặc số định danh.",
                en=f"{len(hits)} people match '{args.text}': use the slip code or the ID number.",
            )
        hit = hits[0]
        res = checkin.mark(s, hit.citizen_id, args.action, enrollment_session_id=args.enrollment_session_id, at=at,
        )
    ctx.output(
        {"citizen_id": hit.citizen_id, "full_name": hit.full_name, "match": hit.match, **_jsonable(res)},
        f"{hit.full_name}: đã ghi {', '.join(res.events) or 'không có gì mới'} "
        f"(trạng thái: {res.status}).",
    )
    return 0


def _walk_in(args: argparse.Namespace, ctx: CliContext) -> int:
    """Someone not in the register comes to the desk: added (validated like an import row) and attended."""
    from desktop.services.scheduling import checkin

    if (args.enrollment_session_id is None) == (args.point is None):
        raise UsageError("Ghi một trong hai: --session MÃ_BUỔI (đang thu nhận) hoặc --point MÃ_ĐIỂM.",
                         en="Give one of: --session SESSION (enrolling now) or --point POINT.")
    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            raise UsageError(f"Thời điểm '{args.at}' không hợp lệ (dạng YYYY-MM-DDTHH:MM).",
                             en=f"Time '{args.at}' is not valid (use YYYY-MM-DDTHH:MM).") from None
    birth = "birth_year" if args.birth and args.birth.strip().isdigit() else "birth_date"
    fields = {k: v for k, v in (("full_name", args.name), ("id_number", args.id_number), (birth, args.birth),
                                ("sex", args.sex), ("village", args.village), ("phone", args.phone),
                                ("address", args.address)) if v}
    with ctx.db.session() as s:
        pid = _point_id(s, args.point) if args.point else None
        hit = checkin.add_walk_in(s, fields, enrollment_session_id=args.enrollment_session_id,
                           point_id=pid, at=at)
    ctx.output({"citizen_id": hit.citizen_id, "full_name": hit.full_name, "status": hit.status, "match": hit.match},
               f"{hit.full_name}: đã thêm vào sổ và ghi đến thu nhận (trạng thái: {hit.status_label_vi}).")
    return 0


# --- progress -----------------------------------------------------------------------------------------


def _fmt_pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1f}%"


def _progress(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.figures import progress as prog

    on = parse_day(args.on) if args.on else dt.date.today()
    with ctx.db.session() as s:
        pid = _point_id(s, args.point) if args.point else None
        p = prog.progress(s, on, pid)
    lines = [f"Tiến độ đến ngày {on:%d/%m/%Y} (diện phải làm: {p.eligible} người)"]
    for i in p.indicators:
        target = "chưa giao" if i.target is None else str(i.target)
        when = f", dự kiến đạt {i.projected:%d/%m/%Y}" if i.projected else ""
        lines.append(
            f"  {i.label_vi}: hôm nay {i.today}, lũy kế {i.cumulative}, chỉ tiêu {target} "
            f"({_fmt_pct(i.percent)}), {i.pace:.1f}/ngày{when}{' — ĐẠT' if i.met else ''}"
        )
    data = _jsonable(p)
    data["series"] = [{"day": d.isoformat(), **counts} for d, counts in p.series]
    ctx.output(data, "\n".join(lines))
    return 0


# --- registration -------------------------------------------------------------------------------------


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sp = sub.add_parser("session", help="buổi thu nhận và lịch hẹn")
    ssub = sp.add_subparsers(dest="enrollment_session_command", metavar="SUBCOMMAND")
    ssub.required = True

    p = ssub.add_parser("add", parents=[common], help="tạo buổi thu nhận")
    p.add_argument("--point", required=True, help="mã điểm thu nhận")
    p.add_argument("--date", required=True, help="ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")
    p.add_argument("--start", required=True, help="giờ bắt đầu HH:MM")
    p.add_argument("--end", required=True, help="giờ kết thúc HH:MM")
    p.add_argument("--slot-minutes", type=int, default=30)
    p.add_argument("--kits", type=int, default=1, help="số bộ máy thu nhận")
    p.add_argument("--minutes-per-person", type=int, default=5)
    p.add_argument("--note", default="")
    p.set_defaults(func=_enrollment_session_add)

    p = ssub.add_parser("list", parents=[common], help="liệt kê các buổi")
    p.add_argument("--from", dest="day_from")
    p.add_argument("--to", dest="day_to")
    p.set_defaults(func=_enrollment_session_list)

    p = ssub.add_parser("assign", parents=[common], help="tự động xếp lịch người đến hạn")
    p.add_argument("enrollment_session_id", metavar="SESSION_ID", type=int)
    p.add_argument("--kind", action="append", choices=KINDS)
    p.add_argument("--village", action="append", help="chỉ thôn/tổ này (lặp lại được)")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=_enrollment_session_assign)

    p = ssub.add_parser("appointments", parents=[common], help="danh sách hẹn của một buổi")
    p.add_argument("enrollment_session_id", metavar="SESSION_ID", type=int)
    p.add_argument("--village")
    p.set_defaults(func=_enrollment_session_appointments)

    p = sub.add_parser("checkin", parents=[common], help="tiếp nhận: quét mã hẹn / số định danh / tên")
    p.add_argument("text")
    p.add_argument("--session", dest="enrollment_session_id", metavar="SESSION_ID", type=int, required=True)
    p.add_argument("--action", required=True)
    p.add_argument("--at", help="thời điểm (YYYY-MM-DDTHH:MM), mặc định bây giờ")
    p.set_defaults(func=_checkin)

    p = sub.add_parser("walk-in", parents=[common], help="người chưa có trong sổ đến điểm: thêm vào sổ và ghi đã đến")
    p.add_argument("--name", required=True, help="họ và tên")
    p.add_argument("--id-number", help="số định danh (12 chữ số), nếu có")
    p.add_argument("--birth", help="ngày sinh DD/MM/YYYY hoặc năm sinh")
    p.add_argument("--sex", help="nam / nữ")
    p.add_argument("--village", help="thôn / tổ dân phố")
    p.add_argument("--address")
    p.add_argument("--phone")
    p.add_argument("--session", dest="enrollment_session_id", metavar="SESSION_ID", type=int,
                   help="buổi thu nhận đang chạy (xếp vào ca hiện tại)")
    p.add_argument("--point", help="mã điểm thu nhận, khi không có buổi")
    p.add_argument("--at", help="thời điểm (YYYY-MM-DDTHH:MM), mặc định bây giờ")
    p.set_defaults(func=_walk_in)

    p = sub.add_parser("progress", parents=[common], help="tiến độ so với chỉ tiêu")
    p.add_argument("--on", help="ngày (mặc định hôm nay)")
    p.add_argument("--point", help="chỉ một điểm thu nhận")
    p.set_defaults(func=_progress)
