"""CLI: connect to the hub, sync (network or USB bundle), sync status, close a day."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from desktop.cli.context import EXIT_FAILURE, EXIT_OK, CliContext, UsageError
from desktop.settings_keys import KEY_HUB_DEVICE_ID, KEY_HUB_URL
from desktop.storage.backup import BackupFailed, backup_if_due
from sync import indicators

# hub_link, outbox and dayclose are imported inside the handlers: they load the sync client (requests,
# cryptography), which every other command would otherwise pay for at start-up.


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("connect", parents=[common], help="kết nối máy với máy chủ tỉnh bằng mã một lần")
    p.add_argument("--hub", default=None, help="địa chỉ máy chủ tỉnh, ví dụ https://hub.example.vn")
    p.add_argument("--code", default=None, help="mã kết nối một lần do công an tỉnh cấp")
    p.add_argument("--name", default=None, help="tên máy (mặc định: tên máy tính)")
    p.add_argument("--request-file", metavar="REQ", default=None,
                   help="không có mạng: ghi tệp yêu cầu kết nối để mang lên tỉnh (cần --code)")
    p.add_argument("--response-file", metavar="RESP", default=None,
                   help="không có mạng: hoàn tất kết nối bằng tệp trả lời của tỉnh")
    p.add_argument("--commune", default=None, help="mã xã (khi máy chưa được thiết lập xã)")
    p.add_argument("--ca-file", metavar="PEM", default=None,
                   help="chứng chỉ của tỉnh (tệp .pem/.crt do công an tỉnh cấp) khi máy chủ tỉnh dùng chứng chỉ "
                        "riêng: được ghi nhớ cho máy chủ này; chỉ --ca-file: ghim cho máy chủ đang kết nối")
    p.add_argument("--new-device", action="store_true",
                   help="kết nối như một máy mới, không giữ mã máy cũ (chỉ khi cán bộ kỹ thuật hướng dẫn: các ngày "
                        "đã gửi bằng mã máy cũ sẽ được tỉnh cộng thêm một lần nữa)")
    p.set_defaults(func=_connect)

    p = sub.add_parser("sync", parents=[common], help="gửi các ngày đã chốt lên máy chủ tỉnh")
    p.add_argument("--bundle", metavar="FILE", help="ghi ra tệp để mang bằng USB thay vì gửi qua mạng")
    p.add_argument("--receipt", metavar="FILE", help="nhập biên nhận của tỉnh cho tệp USB đã mang lên")
    p.add_argument("--watch", action="store_true", help="tự gửi lại khi có mạng (chạy đến khi bấm Ctrl+C)")
    p.add_argument("--interval", type=float, default=60.0,
                   help="--watch: khi không có gì chờ gửi, số giây giữa hai lần xem lại (khi có báo cáo chờ gửi "
                        "mà mất mạng: thử lại mỗi 15–30 giây)")
    p.add_argument("--max-runs", type=int, default=0, help="--watch: dừng sau chừng này lần (0: không giới hạn)")
    p.set_defaults(func=_sync)

    p = sub.add_parser("autostart", parents=[common],
                       help="tự gửi cả khi ứng dụng đóng: chạy enrollpoint sync --watch khi đăng nhập (Linux)")
    p.add_argument("action", choices=["on", "off", "status"])
    p.set_defaults(func=_autostart)

    p = sub.add_parser("targets", parents=[common], help="nhập chỉ tiêu từ tệp do tỉnh cấp (không có mạng)")
    p.add_argument("--file", required=True, metavar="FILE")
    p.set_defaults(func=_targets_file)

    p = sub.add_parser("day-code", parents=[common], help="mã số liệu một ngày đã chốt, để đọc qua điện thoại/SMS")
    p.add_argument("--date", required=True, help="ngày YYYY-MM-DD")
    p.add_argument("--point", default=None, help="mã điểm thu nhận (mặc định: mọi điểm đã chốt)")
    p.set_defaults(func=_day_code)

    p = sub.add_parser("sync-status", parents=[common], help="tình trạng gửi báo cáo")
    p.set_defaults(func=_status)

    p = sub.add_parser("close-day", parents=[common], help="chốt số liệu một ngày (theo điểm thu nhận)")
    p.add_argument("--date", required=True, help="ngày YYYY-MM-DD")
    p.add_argument("--point", default=None, help="mã điểm thu nhận (mặc định: mọi điểm)")
    p.add_argument("--confirm-lower", action="store_true",
                   help="máy khôi phục từ bản sao lưu: xác nhận chốt lại dù số liệu thấp hơn số tỉnh đang giữ")
    p.set_defaults(func=_close_day)


def _connect(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.province_link import hub_link, hub_offline

    if args.ca_file and not (args.response_file or args.code):
        return _pin_ca(args, ctx)
    if args.response_file:
        res = hub_offline.connect_by_file(ctx.db, args.response_file, args.ca_file)
        note = f"\n{res['device_note']}" if res.get("device_note") else ""
        if res.get("certificates"):
            note += "\nĐã ghi nhận chứng chỉ của tỉnh: máy tin máy chủ tỉnh theo chứng chỉ này."
        ctx.output(res, f"Đã kết nối bằng tệp: xã {res['commune_code']} {res['commune_name']} "
                        f"(mã máy {res['device_id']}); đã nhận {res['targets']} chỉ tiêu. Từ nay có thể gửi "
                        f"bằng tệp USB (enrollpoint sync --bundle …).{note}{_key_lines(res)}")
        return EXIT_OK
    if not args.code:
        raise UsageError("Thiếu --code (mã kết nối một lần) hoặc --response-file",
                         en="--code (one-time connection code) or --response-file is missing")
    if args.request_file:
        _warn_if_restored(ctx)
        req = hub_offline.connect_request(ctx.db, args.code, args.request_file, args.name,
                           args.commune, new_device=args.new_device)
        ctx.output(req, f"Đã ghi yêu cầu kết nối vào {req['request']}. Mang tệp này lên công an tỉnh "
                        "(enrollpoint-hub enrol-file), rồi mang tệp trả lời về và chạy: enrollpoint connect "
                        "--response-file TỆP.")
        return EXIT_OK
    if not args.hub:
        raise UsageError("Thiếu --hub (địa chỉ máy chủ tỉnh); không có mạng thì dùng --request-file",
                         en="--hub (the province server address) is missing; without a network use "
                            "--request-file")
    _warn_if_restored(ctx)
    info = hub_link.connect(ctx.db, args.hub, args.code, args.name, new_device=args.new_device,
                            ca_file=args.ca_file)
    kept = " — vẫn là máy cũ: các ngày đã gửi không bị tính hai lần" if info.get("same_device") == "yes" else ""
    text = (f"Đã kết nối xã {info['commune_code']} {info['commune_name']} với {info['hub_url']} "
            f"(mã máy {info['device_id']}{kept}).")
    from desktop.services.province_link import succession

    if note := succession.connect_note(info):
        text += "\n" + note
    ctx.output(info, text + _key_lines(info))
    return EXIT_OK


def _pin_ca(args: argparse.Namespace, ctx: CliContext) -> int:
    """`connect --ca-file FILE` alone: trust the province's CA for the hub this laptop is connected to."""
    from desktop.services.province_link import hub_ca

    res = hub_ca.pin_file(ctx.db, args.ca_file)
    where = res["ca_for"] or "máy chủ tỉnh sẽ được cấp (tệp chỉ tiêu của tỉnh)"
    ctx.output(res, f"Đã ghi nhận chứng chỉ của tỉnh ({res['certificates']} chứng chỉ) cho {where}: từ nay "
                    "máy tin máy chủ này theo chứng chỉ đó.")
    return EXIT_OK


def _warn_if_restored(ctx: CliContext) -> None:
    """Told before the hub is asked anything: only a replacement code keeps the old laptop's place."""
    from desktop.services.province_link import restored

    with ctx.db.session() as s:
        origin = restored.restored_from(s)
    if origin:
        print(MSG_RESTORED_CONNECT.format(device=origin[:8]), file=sys.stderr, flush=True)


MSG_RESTORED_CONNECT = (
    "Lưu ý: cơ sở dữ liệu này được khôi phục từ bản sao lưu của máy {device}. Chỉ mã THAY THẾ do tỉnh cấp cho máy đó "
    "(enrollpoint-hub enrol-code … --replaces …) mới cho máy này tiếp nối máy cũ; với mã thường hoặc --new-device, "
    "máy này sẽ được tính là một máy mới, không gửi lại các ngày đã chốt trước khi khôi phục, và tỉnh sẽ duyệt máy "
    "trước khi cộng số liệu."
)


def _key_lines(res: dict[str, str]) -> str:
    """The pinned hub key's fingerprint (to compare with the one the province reads out beside the code) and,
    when it changed, the old and new fingerprints."""
    out = ""
    if res.get("hub_key_fingerprint"):
        out += f"\nDấu khóa máy chủ tỉnh: {res['hub_key_fingerprint']} (đối chiếu với dấu in cạnh mã kết nối)."
    if res.get("hub_key_note"):
        out += f"\n{res['hub_key_note']}"
    return out


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.province_link import hub_link

    if args.receipt:
        from desktop.services.province_link import hub_offline

        rec = hub_offline.import_receipt(ctx.db, args.receipt)
        ctx.output({"confirmed": rec.confirmed, "already": rec.already, "conflicts": rec.conflicts,
                    "not_matching": rec.not_matching, "issued_at": rec.issued_at,
                    "already_received": rec.already_received},
                   f"Biên nhận của tỉnh: {rec.confirmed} báo cáo được xác nhận"
                   + (f" (trong đó {rec.already_received} báo cáo tỉnh đã nhận trước đó, không lưu gì thêm)"
                      if rec.already_received else "")
                   + (f", {rec.already} đã xác nhận từ trước" if rec.already else "")
                   + (f", {rec.conflicts} bị báo xung đột" if rec.conflicts else "") + ".")
        return EXIT_OK
    if args.bundle:
        res = hub_link.export_bundle(ctx.db, args.bundle)
        ctx.output({"bundle": res.path, "batches": res.batch_ids, "reports": res.reports},
                   f"Đã ghi {res.reports} báo cáo ({len(res.batch_ids)} lô) vào {res.path}. "
                   "Các báo cáo ở trạng thái \"đã xuất, chờ xác nhận\" cho tới khi nhập biên nhận của tỉnh "
                   "(enrollpoint sync --receipt …); tệp USB sau vẫn mang lại mọi báo cáo chưa xác nhận.")
        return EXIT_OK
    if args.watch:
        return _watch(args, ctx)
    result = hub_link.sync_now(ctx.db)
    data = {"sent": result.sent, "remaining": result.remaining, "requests": result.requests,
            "conflicts": [c.to_dict() for c in result.conflicts], "error": result.error}
    if result.error and not result.requests and not result.sent:
        # Nothing was tried (not connected, keyring lost): one sentence, not "0 sent" and then why.
        text = f"{result.error} Báo cáo đang chờ gửi: {result.remaining}."
    else:
        text = f"Đã gửi {result.sent} báo cáo; còn chờ {result.remaining}."
        if result.conflicts:
            text += f" {len(result.conflicts)} báo cáo bị máy chủ báo xung đột."
        if result.error:
            text += f"\nLỗi: {result.error}"
    ctx.output(data, text)
    return EXIT_FAILURE if result.error else EXIT_OK


def _watch(args: argparse.Namespace, ctx: CliContext) -> int:
    """Headless auto-send with the one link policy (sync.link_policy): while something waits, probe the hub
    every 15–30 s (jittered) and send as soon as it answers; a busy hub (5xx/429) is given time, Retry-After
    honoured. With nothing waiting, look again every --interval seconds. Ends on Ctrl+C or after --max-runs."""
    from desktop.services.province_link import link_watch
    from sync.link_policy import LinkPolicy, Turn

    def report(turn: Turn) -> None:
        stamp = dt.datetime.now().strftime("%H:%M")
        if turn.sent:
            print(f"Đã gửi lúc {stamp}: {turn.sent} báo cáo; còn chờ {turn.remaining}.", flush=True)
        if turn.outcome == "silent":
            print(f"Đang chờ mạng (thử lại sau {round(turn.wait)} giây). {turn.message}".rstrip(), flush=True)
        elif turn.outcome in ("busy", "failed") and turn.message:
            print(f"Chưa gửi được lúc {stamp}: {turn.message} (thử lại sau {round(turn.wait)} giây)", flush=True)

    from desktop import paths
    from desktop.services.province_link import sender_lock

    with sender_lock.one_sender(paths.db_path()):  # never two background senders for one database
        try:
            link_watch.run_watch(ctx.db, report, policy=LinkPolicy(idle=max(1.0, float(args.interval))),
                                 max_turns=max(0, args.max_runs))
        except KeyboardInterrupt:
            print("Đã dừng tự gửi.", flush=True)
    return EXIT_OK


def _watch_command() -> list[str]:
    """How a login session starts this laptop's watch: the installed `enrollpoint` beside this Python, else
    `python -m desktop`; always with this data folder."""
    from pathlib import Path

    from desktop import paths

    exe = Path(sys.executable).with_name("enrollpoint")
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "desktop"]
    return [*head, "sync", "--watch", "--data-dir", str(paths.data_dir())]


def _autostart(args: argparse.Namespace, ctx: CliContext) -> int:
    import os

    from desktop.services.province_link import autostart

    if os.name == "nt":
        raise UsageError("Trên Windows, trình cài đặt tạo việc tự gửi khi đăng nhập (Task Scheduler); xem docs/sync.md.",
                         en="On Windows the installer sets up sending at logon (Task Scheduler); see docs/sync.md.")
    if args.action == "on":
        path = autostart.enable(_watch_command())
        ctx.output({"autostart": str(path), "enabled": True},
                   f"Đã bật tự gửi khi đăng nhập ({path}): máy gửi các ngày đã chốt khi có mạng, cả khi ứng dụng đóng.")
    elif args.action == "off":
        gone = autostart.disable()
        ctx.output({"autostart": str(gone or ""), "enabled": False},
                   "Đã tắt tự gửi khi đăng nhập." if gone else "Tự gửi khi đăng nhập chưa được bật.")
    else:
        now = autostart.current()
        ctx.output({"autostart": str(now or ""), "enabled": now is not None},
                   f"Tự gửi khi đăng nhập: đang bật ({now})." if now else "Tự gửi khi đăng nhập: đang tắt.")
    return EXIT_OK


def _targets_file(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.province_link import hub_offline

    res = hub_offline.import_targets_file(ctx.db, args.file)
    ctx.output(res, f"Đã nhập {res['targets']} chỉ tiêu từ tệp của tỉnh (cấp lúc {res['issued_at']})."
               + (f" Địa chỉ máy chủ tỉnh: {res['hub_url']}." if res["hub_url"] else ""))
    return EXIT_OK


def _day_code(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.province_link import hub_offline

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"Ngày không hợp lệ: {args.date} (cần YYYY-MM-DD)",
                         en=f"Invalid date: {args.date} (YYYY-MM-DD needed)") from None
    codes = hub_offline.day_codes(ctx.db, day, args.point)
    data = [{"point_code": c.point_code, "day": c.day.isoformat(), "revision": c.revision, "totals": c.totals,
             "code": c.code} for c in codes]
    lines = []
    for c in codes:
        lines.append(f"Điểm {c.point_code}, ngày {c.day.strftime('%d/%m/%Y')} (lần chốt {c.revision}):")
        lines.append(f"  {c.code}")
    ctx.output(data, "\n".join(lines))
    return EXIT_OK


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.figures import dayclose
    from desktop.services.province_link import hub_link, outbox

    with ctx.db.session() as s:
        st = outbox.status(s)
        confl = outbox.conflicts(s)
        changed = dayclose.changed_days(s)
    info = hub_link.hub_info(ctx.db)
    link = hub_link.link_state(ctx.db)
    data = {"last_success_at": st.last_success_at, "waiting": st.waiting, "exported": st.exported,
            "last_error": st.last_error,
            "last_error_at": st.last_error_at, "conflicts": confl,
            "changed_since_close": [{"day": d.isoformat(), "point_code": p} for d, p in changed],
            "hub_url": info[KEY_HUB_URL], "device_id": info[KEY_HUB_DEVICE_ID], "link": link,
            "hub_key_fingerprint": info[hub_link.INFO_FINGERPRINT]}
    lines = [f"Máy chủ tỉnh: {hub_link.LINK_LABELS[link].format(url=info[KEY_HUB_URL])}"]
    if info[hub_link.INFO_FINGERPRINT]:
        lines.append(f"Dấu khóa máy chủ tỉnh: {info[hub_link.INFO_FINGERPRINT]}")
    if link in (hub_link.LINK_ONLINE, hub_link.LINK_FILE):  # a send by this laptop's credentials is its own
        lines.append(f"Lần gửi thành công gần nhất: {st.last_success_at or 'chưa có'}")
    lines += [
        f"Báo cáo đang chờ gửi: {st.waiting}"
        + (f" (trong đó {st.exported} đã xuất, chờ xác nhận)" if st.exported else ""),
    ]
    if st.last_error:
        lines.append(f"Lỗi gần nhất: {st.last_error}")
    for c in confl:
        lines.append(f"Xung đột: {c['point_code']} {c['day']} lần {c['revision']}: {c['reason']}")
    for d, p in changed:
        lines.append(f"Đã thay đổi sau khi chốt: {dayclose.point_label(p)} {d.isoformat()} (chốt lại để gửi bản sửa)")
    ctx.output(data, "\n".join(lines))
    return EXIT_OK


def _close_day(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.figures import dayclose

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"Ngày không hợp lệ: {args.date} (cần YYYY-MM-DD)",
                         en=f"Invalid date: {args.date} (YYYY-MM-DD needed)") from None
    with ctx.db.session() as s:
        rows = dayclose.close_day(s, day, args.point, confirm_lower=args.confirm_lower)
        reports = [dayclose.report_dict(r) for r in rows]
    try:
        backup_if_due(ctx.db)  # the day's work is now worth a copy (once a day, last 14 kept)
    except BackupFailed as exc:  # the day is closed all the same: say why there is no copy today
        print(f"enrollpoint: cảnh báo: {exc.message}", file=sys.stderr)
    lines = []
    for r in reports:
        t = r["totals"]
        words = ", ".join(f"{i.vi_inline} {t[i.key]}" for i in indicators.REGISTRY)
        lines.append(f"{r['day']} điểm {r['point_label']} (lần {r['revision']}): {words}")
    ctx.output(reports, "\n".join(lines))
    return EXIT_OK
