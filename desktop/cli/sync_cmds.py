"""CLI: connect to the hub, sync (network or USB bundle), sync status, close a day."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from desktop.cli.context import EXIT_FAILURE, EXIT_OK, CliContext, UsageError, service_call
from desktop.storage.backup import backup_if_due

# hub_link, outbox and dayclose are imported inside the handlers: they load the sync client (requests,
# cryptography), which every other command would otherwise pay for at start-up.


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("connect", parents=[common], help="kết nối máy với máy chủ tỉnh bằng mã một lần")
    p.add_argument("--hub", required=True, help="địa chỉ máy chủ tỉnh, ví dụ https://hub.example.vn")
    p.add_argument("--code", required=True, help="mã kết nối một lần do công an tỉnh cấp")
    p.add_argument("--name", default=None, help="tên máy (mặc định: tên máy tính)")
    p.set_defaults(func=_connect)

    p = sub.add_parser("sync", parents=[common], help="gửi các ngày đã chốt lên máy chủ tỉnh")
    p.add_argument("--bundle", metavar="FILE", help="ghi ra tệp để mang bằng USB thay vì gửi qua mạng")
    p.set_defaults(func=_sync)

    p = sub.add_parser("sync-status", parents=[common], help="tình trạng gửi báo cáo")
    p.set_defaults(func=_status)

    p = sub.add_parser("close-day", parents=[common], help="chốt số liệu một ngày (theo điểm thu nhận)")
    p.add_argument("--date", required=True, help="ngày YYYY-MM-DD")
    p.add_argument("--point", default=None, help="mã điểm thu nhận (mặc định: mọi điểm)")
    p.set_defaults(func=_close_day)


def _connect(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import hub_link

    info = service_call(hub_link.connect, ctx.db, args.hub, args.code, args.name)
    ctx.output(info, f"Đã kết nối xã {info['commune_code']} {info['commune_name']} với {info['hub_url']} "
                     f"(mã máy {info['device_id']}).")
    return EXIT_OK


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import hub_link

    if args.bundle:
        res = service_call(hub_link.export_bundle, ctx.db, args.bundle)
        ctx.output({"bundle": res.path, "batches": res.batch_ids, "reports": res.reports},
                   f"Đã ghi {res.reports} báo cáo ({len(res.batch_ids)} lô) vào {res.path}. "
                   "Báo cáo vẫn ở trạng thái chờ cho tới khi máy chủ tỉnh xác nhận.")
        return EXIT_OK
    result = hub_link.sync_now(ctx.db)
    data = {"sent": result.sent, "remaining": result.remaining, "requests": result.requests,
            "conflicts": [c.to_dict() for c in result.conflicts], "error": result.error}
    text = f"Đã gửi {result.sent} báo cáo; còn chờ {result.remaining}."
    if result.conflicts:
        text += f" {len(result.conflicts)} báo cáo bị máy chủ báo xung đột."
    if result.error:
        text += f"\nLỗi: {result.error}"
    ctx.output(data, text)
    return EXIT_FAILURE if result.error else EXIT_OK


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import dayclose, hub_link, outbox

    with ctx.db.session() as s:
        st = outbox.status(s)
        confl = outbox.conflicts(s)
        changed = dayclose.changed_days(s)
    info = hub_link.hub_info(ctx.db)
    data = {"last_success_at": st.last_success_at, "waiting": st.waiting, "last_error": st.last_error,
            "last_error_at": st.last_error_at, "conflicts": confl,
            "changed_since_close": [{"day": d.isoformat(), "point_code": p} for d, p in changed],
            "hub_url": info[hub_link.KEY_HUB_URL], "device_id": info[hub_link.KEY_DEVICE_ID]}
    lines = [
        f"Máy chủ tỉnh: {info[hub_link.KEY_HUB_URL] or '(chưa kết nối)'}",
        f"Lần gửi thành công gần nhất: {st.last_success_at or 'chưa có'}",
        f"Báo cáo đang chờ gửi: {st.waiting}",
    ]
    if st.last_error:
        lines.append(f"Lỗi gần nhất: {st.last_error}")
    for c in confl:
        lines.append(f"Xung đột: {c['point_code']} {c['day']} lần {c['revision']}: {c['reason']}")
    for d, p in changed:
        lines.append(f"Đã thay đổi sau khi chốt: {p} {d.isoformat()} (chốt lại để gửi bản sửa)")
    ctx.output(data, "\n".join(lines))
    return EXIT_OK


def _close_day(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services import dayclose

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"Ngày không hợp lệ: {args.date} (cần YYYY-MM-DD)") from None
    with ctx.db.session() as s:
        rows = service_call(dayclose.close_day, s, day, args.point)
        reports = [dayclose.report_dict(r) for r in rows]
    backup_if_due(ctx.db)  # the day's work is now worth a copy (once a day, last 14 kept)
    lines = []
    for r in reports:
        t = r["totals"]
        lines.append(
            f"{r['day']} điểm {r['point_code']} (lần {r['revision']}): CCCD {t['card_captured']}, "
            f"VNeID mức 2 {t['vneid_l2_captured']}, kích hoạt {t['vneid_activated']}, "
            f"đến {t['attended']}, vắng {t['no_show']}"
        )
    ctx.output(reports, "\n".join(lines))
    return EXIT_OK
