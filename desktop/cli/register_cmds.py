"""Commune register commands: set-up, demo data, search, status events, due lists, points.

    enrollpoint init --commune-code 22366 [--commune-name "Phường Nha Trang"] [--province-code 56] [--by NAME]
    enrollpoint demo --citizens 2000 [--seed 6] [--commune-code 22366]
    enrollpoint search "nguyen van an" [--limit 20] [--offset 0]
    enrollpoint event 056190001234 card_captured [--point TRUSO] [--at 2026-03-05T09:30] [--note T]
    enrollpoint due [--on 2026-03-05] [--kind first_card|renew|vneid_register|vneid_activate]
                    [--village "Thôn Đông Bắc"] [--limit 50]
    enrollpoint status 056190001234
    enrollpoint point add NVH-02 "Nhà văn hóa thôn Tây Nam" [--address A] [--kind office|mobile|home]
    enrollpoint point list

Every command takes --data-dir and --json; exit 0 on success, 2 on unusable input with a one-line reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from desktop.cli.context import CliContext, UsageError, parse_day

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.models import Citizen
    from desktop.services.register.rows import CitizenRow

# Handlers import the models and services they use (and common's text and ID rules, with their tables):
# building the parser loads every *_cmds module, and those would add ~0.1 s to every command's start-up.


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="khai báo xã/phường/đặc khu của máy này")
    p.add_argument("--commune-code", required=True, help="mã xã/phường/đặc khu (danh mục 2025)")
    p.add_argument("--commune-name", help="tên xã/phường (mặc định: theo danh mục)")
    p.add_argument("--province-code", help="mã tỉnh/thành (mặc định: theo danh mục)")
    p.add_argument("--by", metavar="SUPERVISOR", help="cán bộ quản lý cho phép (khi máy đã có tài khoản)")
    p.set_defaults(func=_init)

    p = sub.add_parser("demo", parents=[common], help="tạo dữ liệu mẫu (cơ sở dữ liệu trống)")
    p.add_argument("--citizens", type=int, default=2000, help="số công dân (mặc định 2000)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--commune-code", help="mã xã/phường (mặc định 22366, Phường Nha Trang)")
    p.set_defaults(func=_demo)

    p = sub.add_parser("search", parents=[common], help="tìm công dân (tên, số định danh, điện thoại, thôn)")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(func=_search)

    p = sub.add_parser("event", parents=[common], help="ghi một sự kiện trạng thái cho công dân")
    p.add_argument("id_number")
    p.add_argument("event", help="scheduled, attended, no_show, card_captured, card_delivered (--at: ngày cấp thẻ), "
                                 "vneid_l2_captured, vneid_l2_elsewhere (đăng ký ở nơi khác, không tính), …")
    p.add_argument("--point", help="mã điểm thu nhận")
    p.add_argument("--at", help="thời điểm (ISO, ví dụ 2026-03-05T09:30); mặc định bây giờ")
    p.add_argument("--note", default="")
    p.set_defaults(func=_event)

    p = sub.add_parser("due", parents=[common], help="danh sách đến hạn (thẻ căn cước, VNeID)")
    p.add_argument("--on", help="ngày (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định hôm nay")
    p.add_argument("--kind", help="first_card, renew, vneid_register, vneid_activate")
    p.add_argument("--village", help="thôn/tổ dân phố (tên, không cần dấu)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(func=_due)

    p = sub.add_parser("status", parents=[common], help="trạng thái hiện tại và lịch sử của công dân")
    p.add_argument("id_number")
    p.set_defaults(func=_status)

    p = sub.add_parser("point", parents=[common], help="điểm thu nhận")
    psub = p.add_subparsers(dest="point_command", metavar="ACTION", parser_class=type(p))
    psub.required = True
    a = psub.add_parser("add", parents=[common], help="thêm điểm thu nhận")
    a.add_argument("code")
    a.add_argument("name")
    a.add_argument("--address", default="")
    a.add_argument("--kind", default="mobile", help="office, mobile, home")
    a.set_defaults(func=_point_add)
    a = psub.add_parser("list", parents=[common], help="danh sách điểm thu nhận")
    a.set_defaults(func=_point_list)


# ----------------------------------------------------------------------------------------- helpers
def _parse_at(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        at = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"Thời điểm '{text}' không hợp lệ (dùng ISO, ví dụ 2026-03-05T09:30).",
                         en=f"Time '{text}' is not valid (use ISO, e.g. 2026-03-05T09:30).") from None
    if at.tzinfo is not None:
        at = at.astimezone().replace(tzinfo=None)  # stored as local time
    return at


def _row_dict(r: CitizenRow | Citizen) -> dict[str, Any]:
    return {
        "id": r.id, "id_number": r.id_number, "full_name": r.full_name,
        "birth_date": r.birth_date.isoformat() if r.birth_date else None, "birth_year": r.birth_year,
        "sex": r.sex, "village": r.village, "phone": r.phone, "status": r.status, "has_card": r.has_card,
        "vneid_stage": r.vneid_stage, "needs_home_visit": r.needs_home_visit,
    }


def _born(r: CitizenRow | Citizen) -> str:
    """The birth as known: a date, or a year with "(chỉ có năm sinh)" (ages are then counted from 31/12)."""
    if r.birth_date:
        return str(r.birth_date.strftime("%d/%m/%Y"))
    return f"{r.birth_year} (chỉ có năm sinh)" if r.birth_year else ""


def _clean_id(id_number: str) -> str:
    from common import idnumber

    return idnumber.clean(id_number).value or id_number.strip()


def _find(session: Session, id_number: str) -> Citizen:
    from desktop.services.register import statuses

    return statuses.find_citizen(session, _clean_id(id_number))


# ---------------------------------------------------------------------------------------- commands
def _init(args: argparse.Namespace, ctx: CliContext) -> int:
    """The same service as the first-run dialog (`register.commune`): same checks, same rows written."""
    from desktop.cli.admin_cmds import supervisor_if_accounts
    from desktop.services.register import commune as communes

    choice = communes.choose_commune(args.commune_code, args.commune_name, args.province_code)
    for w in choice.warnings:
        print(f"enrollpoint: cảnh báo: {w}", file=sys.stderr)
    with ctx.db.session() as s:
        by = supervisor_if_accounts(ctx, s, args.by)  # once accounts exist, a supervisor's action
        done = communes.set_up_commune(s, choice, operator=by)
    commune = done.commune
    hq = done.points_created[0] if done.points_created else None
    data = {"commune_code": commune.code, "commune_name": commune.name, "province_code": commune.province_code,
            "province_name": commune.province_name, "known": done.known, "warnings": done.warnings,
            "database": str(ctx.db.path), "point_created": hq}
    text = f"Đã khai báo {commune.name} (mã {commune.code}), {commune.province_name or commune.province_code}."
    if hq:
        text += f" Đã tạo điểm thu nhận trụ sở ({hq})."
    ctx.output(data, text)
    return 0


def _demo(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.demo import create_demo

    if args.citizens < 0:
        raise UsageError("Số công dân phải không âm.", en="The number of citizens must not be negative.")
    out = create_demo(ctx.db, args.citizens, args.seed, commune_code=args.commune_code)
    data = {"commune_code": out.commune_code, "commune_name": out.commune_name, "citizens": out.citizens,
            "events": out.events, "points": out.points, "villages": out.villages, "targets": out.targets,
            "seconds": round(out.seconds, 2)}
    ctx.output(data, f"Đã tạo dữ liệu mẫu {out.commune_name}: {out.citizens} công dân, {out.events} sự kiện, "
                     f"{len(out.villages)} thôn/tổ, {len(out.points)} điểm thu nhận ({out.seconds:.1f} s).")
    return 0


# `search` and `status` only read: they go through the database's DB-API connection (`Database.reader()`)
# and services that need no SQLAlchemy, which would be ~0.2 s of a command the officer waits for.
def _search(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.due.search import search_rows
    from desktop.services.register.status_rules import STATUS_LABELS_VI

    if args.limit < 1 or args.offset < 0:
        raise UsageError("--limit phải ≥ 1 và --offset ≥ 0.", en="--limit must be ≥ 1 and --offset ≥ 0.")
    with ctx.db.reader() as conn:
        page = search_rows(conn, args.text, limit=args.limit, offset=args.offset)
    lines = [f"{r.id_number or '(chưa có số)':12}  {r.full_name:30}  {_born(r):10}  {r.village:22}  "
             f"{r.phone or '':11}  {STATUS_LABELS_VI.get(r.status, r.status)}" for r in page.rows]
    if not lines:
        lines = ["Không tìm thấy."]
    elif page.has_more:
        lines.append(f"… còn nữa (--offset {args.offset + args.limit})")
    ctx.output({"rows": [_row_dict(r) for r in page.rows], "has_more": page.has_more}, "\n".join(lines))
    return 0


def _event(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.register import points as pts
    from desktop.services.register import statuses

    at = _parse_at(args.at)
    with ctx.db.session() as s:
        citizen = _find(s, args.id_number)
        point = None
        if args.point:
            point = pts.get_point_by_code(s, args.point)
            if point is None:
                raise UsageError(f"Không có điểm thu nhận mã '{args.point}'.",
                                 en=f"There is no enrolment point '{args.point}'.")
        ev = statuses.record_event(s, citizen, args.event, at=at, point=point, note=args.note)
        data: dict[str, Any] = {"citizen_id": citizen.id, "id_number": citizen.id_number, "event": ev.event_type,
                "occurred_at": ev.occurred_at.isoformat(), "point": point.code if point else None,
                "status": citizen.status, "has_card": citizen.has_card, "vneid_stage": citizen.vneid_stage}
    label = statuses.STATUS_LABELS_VI.get(data["status"], data["status"])
    ctx.output(data, f"Đã ghi '{args.event}' cho {citizen.full_name} ({citizen.id_number}); trạng thái: {label}.")
    return 0


def _due(args: argparse.Namespace, ctx: CliContext) -> int:
    from common.vietnamese import fold
    from desktop.services.due import rules as due
    from desktop.services.due.search import villages

    on = parse_day(args.on) if args.on else dt.date.today()
    kind = None
    if args.kind:
        try:
            kind = due.DueKind(args.kind)
        except ValueError:
            raise UsageError(f"Loại '{args.kind}' không hợp lệ ({', '.join(k.value for k in due.DueKind)}).",
                             en=f"Kind '{args.kind}' is not valid "
                                f"({', '.join(k.value for k in due.DueKind)}).") from None
    if args.limit < 1 or args.offset < 0:
        raise UsageError("--limit phải ≥ 1 và --offset ≥ 0.", en="--limit must be ≥ 1 and --offset ≥ 0.")
    with ctx.db.read_session() as s:
        vk = None
        if args.village:
            vk = fold(args.village)
            known = {k for k, _n, _c in villages(s)}
            if vk not in known:
                raise UsageError(f"Không có thôn/tổ '{args.village}'.",
                                 en=f"There is no village '{args.village}'.")
        items = due.due_list(s, on, kind, vk, offset=args.offset, limit=args.limit)
        total = due.count_due(s, on, kind, vk)
    rows = []
    lines = [f"Đến hạn ngày {on:%d/%m/%Y}: {total} người" + (f" (hiện {len(items)})" if total > len(items) else "")]
    for it in items:
        r = it.citizen
        rows.append({**_row_dict(r), "kinds": sorted(k.value for k in it.kinds),
                     "deadline": it.deadline.isoformat() if it.deadline else None, "reason": it.reason_vi,
                     "flag": it.flag_vi})
        flag = f" [{it.flag_vi}]" if it.flag_vi else ""
        lines.append(f"{r.id_number or '(chưa có số)':12}  {r.full_name:30}  {_born(r):10}  {r.village:22}  "
                     f"{it.reason_vi}{flag}")
    ctx.output({"on": on.isoformat(), "total": total, "rows": rows}, "\n".join(lines))
    return 0


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.due import rules as due
    from desktop.services.due.citizen_status import citizen_status
    from desktop.services.register.status_rules import STATUS_LABELS_VI, vneid_step

    with ctx.db.reader() as conn:
        st = citizen_status(conn, _clean_id(args.id_number), dt.date.today())
    c, card_from, renew_on = st.citizen, st.card_counted_from, st.card_renew_on
    kinds = [k.value for k in st.due]
    hist: list[dict[str, Any]] = [{
        "event": e.event_type, "label": STATUS_LABELS_VI.get(e.event_type, e.event_type),
        "occurred_at": e.occurred_at.isoformat(), "point": e.point_code, "point_name": e.point_name,
        "operator": e.operator, "recorded_at": e.recorded_at.isoformat(), "note": e.note,
    } for e in st.history]
    data = {"id": c.id, "id_number": c.id_number, "full_name": c.full_name, "status": c.status,
            "status_label": STATUS_LABELS_VI.get(c.status, c.status), "has_card": c.has_card,
            "card_issued_on": c.card_issued_on.isoformat() if c.card_issued_on else None,
            "card_counted_from": card_from.isoformat() if card_from else None,
            "card_renew_on": renew_on.isoformat() if renew_on else None,
            "birth_year_only": due.year_only(c.birth_date, c.birth_year),
            "vneid_stage": c.vneid_stage, "vneid_step": vneid_step(c.vneid_stage),
            "due": kinds, "allowed_events": st.allowed_events, "history": hist}
    born = _born(c)
    card = "chưa có"
    if c.has_card:
        card = f"có, tính hạn từ ngày {card_from:%d/%m/%Y}" if card_from else "có (chưa rõ ngày cấp)"
        if card_from:
            card += f", cấp đổi ngày {renew_on:%d/%m/%Y}" if renew_on else ", không phải cấp đổi nữa"
    lines = [f"{c.full_name} ({c.id_number}), sinh {born}, {c.village}",
             f"Trạng thái: {data['status_label']}; thẻ căn cước: {card}",
             f"VNeID: {data['vneid_step']}",
             "Đến hạn: " + (", ".join(due.DUE_LABELS_VI[due.DueKind(k)] for k in kinds) or "không")]
    for h in hist:
        where = h["point_name"] or "-"
        who = h["operator"] or "-"
        note = f" ({h['note']})" if h["note"] else ""
        lines.append(f"  {h['occurred_at'][:16].replace('T', ' ')}  {h['label']:32}  tại {where}; cán bộ {who}{note}")
    if not hist:
        lines.append("  (chưa có sự kiện)")
    ctx.output(data, "\n".join(lines))
    return 0


def _point_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.register import points as pts

    with ctx.db.session() as s:
        p = pts.add_point(s, args.code, args.name, args.address, args.kind)
        data = {"id": p.id, "code": p.code, "name": p.name, "address": p.address, "kind": p.kind}
    ctx.output(data, f"Đã thêm điểm thu nhận {data['code']}: {data['name']}.")
    return 0


def _point_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.register import points as pts

    with ctx.db.read_session() as s:
        data = [{"id": p.id, "code": p.code, "name": p.name, "address": p.address, "kind": p.kind,
                 "active": p.active} for p in pts.list_points(s)]
    lines = [f"{d['code']:12}  {d['kind']:7}  {d['name']}  {d['address']}" for d in data] or ["(chưa có điểm)"]
    ctx.output(data, "\n".join(lines))
    return 0
