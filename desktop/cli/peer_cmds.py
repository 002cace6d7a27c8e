"""CLI: the commune's group of laptops and peer sync (`enrollpoint peer …`; docs/peer-sync.md)."""

from __future__ import annotations

import argparse

from desktop.cli.context import EXIT_INPUT, EXIT_OK, CliContext, UsageError

# desktop.services.peer is imported inside the handlers: it loads cryptography, which every other
# command would otherwise pay for at start-up.

DEFAULT_PORT = 8766


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    peer = sub.add_parser("peer", parents=[common], help="đồng bộ giữa các máy trong xã (mạng LAN hoặc tệp USB)")
    psub = peer.add_subparsers(dest="peer_command", metavar="LỆNH", parser_class=sub._parser_class)
    psub.required = True

    group = psub.add_parser("group", parents=[common], help="nhóm máy của xã")
    gsub = group.add_subparsers(dest="group_command", metavar="LỆNH", parser_class=sub._parser_class)
    gsub.required = True
    p = gsub.add_parser("create", parents=[common], help="lập nhóm: máy này là máy đầu tiên; hiện mã nhóm một lần")
    p.add_argument("--replace", action="store_true", help="lập nhóm mới dù máy đã ở trong nhóm")
    p.add_argument("--name", default=None, help="tên máy này trong nhóm, ví dụ 'Máy 1 (trụ sở)'")
    p.set_defaults(func=_group_create)
    p = gsub.add_parser("join", parents=[common], help="thêm máy này vào nhóm bằng mã nhóm (không cần mạng)")
    p.add_argument("code", help="mã nhóm, ví dụ ABCD-EFGH-…")
    p.add_argument("--name", default=None, help="tên máy này trong nhóm, ví dụ 'Máy 2 (Nguyễn Văn An)'")
    p.set_defaults(func=_group_join)

    p = psub.add_parser("serve", parents=[common], help="cho các máy khác trong nhóm đồng bộ với máy này qua LAN")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"cổng (mặc định {DEFAULT_PORT})")
    p.add_argument("--host", default="127.0.0.1",
                   help="địa chỉ nghe; dùng 0.0.0.0 để các máy khác trong mạng LAN kết nối được")
    p.set_defaults(func=_serve)
    p = psub.add_parser("sync", parents=[common], help="đồng bộ hai chiều với một máy đang phục vụ")
    p.add_argument("--with", dest="address", required=True, help="MÁY:CỔNG, ví dụ 192.168.1.20:8766")
    p.set_defaults(func=_sync)
    p = psub.add_parser("export", parents=[common], help="ghi các thay đổi ra tệp để mang bằng USB")
    p.add_argument("file")
    p.add_argument("--all", action="store_true", help="ghi toàn bộ sổ (mặc định: những gì máy khác còn thiếu)")
    p.set_defaults(func=_export)
    p = psub.add_parser("import", parents=[common], help="nhập tệp đồng bộ do máy khác trong nhóm xuất ra")
    p.add_argument("file")
    p.set_defaults(func=_import)
    p = psub.add_parser("status", parents=[common], help="máy trong nhóm, lần đồng bộ gần nhất, xung đột")
    p.set_defaults(func=_status)
    p = psub.add_parser("reidentify", parents=[common],
                        help="đặt mã máy mới cho máy này (máy cài từ bản sao lưu của máy khác; người phụ trách)")
    p.add_argument("--by", metavar="SUPERVISOR", help="tên người phụ trách (PIN: ENROLLPOINT_SUPERVISOR_PIN)")
    p.set_defaults(func=_reidentify)


def _group_create(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import group

    info = group.create_group(ctx.db, replace=args.replace, name=args.name)
    ctx.output({"group_id": info.group_id, "device_id": info.device_id, "code": info.code},
               f"Đã lập nhóm máy của xã {info.commune}. MÃ NHÓM (chỉ hiện một lần; nhập trên từng máy khác "
               f"bằng 'enrollpoint peer group join MÃ', giữ kín như mật khẩu):\n    {info.code}")
    return EXIT_OK


def _group_join(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import group

    info = group.join_group(ctx.db, args.code, args.name)
    ctx.output({"group_id": info.group_id, "device_id": info.device_id},
               f"Máy này đã vào nhóm máy của xã {info.commune} (nhóm {info.group_id}).")
    return EXIT_OK


def _serve(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import lan

    server = lan.PeerServer(ctx.db, args.host, args.port)
    ctx.output({"host": server.host, "port": server.port},
               f"Đang phục vụ đồng bộ tại {server.host}:{server.port} (Ctrl+C để dừng). Trên Windows, lần đầu "
               "có thể hiện hộp thoại tường lửa: cho phép trong mạng riêng.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _sync(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import lan

    r = lan.sync_with(ctx.db, args.address)
    ctx.output({"peer": r.peer_device, "sent": r.sent, "received": r.received, "conflicts": r.conflicts,
                "quarantined": r.quarantined, "refused": r.refused},
               f"Đã đồng bộ với {r.peer_name or r.peer_device}: gửi {r.sent}, nhận {r.received} thay đổi."
               + _quarantined(r.quarantined) + _refused(r.refused) + "".join(f"\nXung đột: {c}" for c in r.conflicts))
    return EXIT_INPUT if r.refused else EXIT_OK


def _refused(lines: list[str]) -> str:
    """Entries whose claimed author did not sign them (services/peer/signing.py): said, and the exit is 2."""
    return "".join(f"\nTừ chối: {line}" for line in lines)


def _quarantined(n: int) -> str:
    return (f" {n} thay đổi có dữ liệu sai kiểu bị giữ riêng, không nhập: xem 'enrollpoint peer status'." if n else "")


def _export(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import usbfile

    r = usbfile.export_file(ctx.db, args.file, everything=args.all)
    text = f"Đã ghi {r.entries} thay đổi vào {r.path} ({r.size:,} byte; chỉ máy trong nhóm đọc được)."
    if r.entries == 0 and not args.all:
        text += (" Tệp chỉ chứa những gì các máy đã đồng bộ với máy này còn thiếu; cho một máy chưa từng đồng bộ "
                 "với máy này, xuất toàn bộ sổ: enrollpoint peer export TỆP --all")
    ctx.output({"file": r.path, "entries": r.entries, "size": r.size}, text)
    return EXIT_OK


def _import(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer import usbfile

    r = usbfile.import_file(ctx.db, args.file)
    if r.already:
        ctx.output({"already": True, "received": 0}, "Tệp này đã được nhập trước đây: không có gì mới.")
        return EXIT_OK
    text = f"Đã nhập {r.received} thay đổi ({r.duplicates} đã có)." + _quarantined(r.quarantined)
    if r.waiting:
        text += f" {r.waiting} thay đổi chờ tệp trước đó của máy kia."
    if r.incomplete:
        text += (" Tệp này không chứa mọi thứ máy này còn thiếu (máy kia chưa biết máy này): xuất tệp từ máy "
                 "này cho máy kia trước, hoặc nhờ máy kia xuất tệp đầy đủ (peer export --all).")
    ctx.output({"already": False, "received": r.received, "duplicates": r.duplicates, "waiting": r.waiting,
                "incomplete": r.incomplete, "conflicts": r.conflicts, "quarantined": r.quarantined,
                "refused": r.refused},
               text + _refused(r.refused) + "".join(f"\nXung đột: {c}" for c in r.conflicts))
    return EXIT_INPUT if r.refused else EXIT_OK


def _status(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.peer.status import peer_status

    with ctx.db.session() as s:
        st = peer_status(s)
    if not st.group_id:
        raise UsageError("Máy này chưa ở trong nhóm máy của xã",
                         en="This laptop is not in the commune's group")
    from desktop.services.peer import group

    lines = [f"Máy này: {st.device_name} ({st.device_id[:8]}), nhóm {st.group_id}"]
    secret = group.secret_present(ctx.db)
    if not secret:  # the same words `peer sync` would answer
        lines.append(group.MSG_SECRET_MISSING)
    for p in st.peers:
        when = p.last_sync_at.strftime("%d/%m/%Y %H:%M") if p.last_sync_at else "chưa"
        lines.append(f"  {p.name or p.device_id[:8]}: đồng bộ lần cuối {when} ({p.via}), chờ gửi {p.waiting}")
    lines += [f"  Xung đột: {d}" for _i, _k, d in st.conflicts]
    lines += [f"  Giữ riêng, không nhập (dữ liệu sai) từ {who}: {kind} — {why}" for who, kind, why in st.quarantined]
    ctx.output({"device_id": st.device_id, "group_id": st.group_id,
                "peers": [{"device_id": p.device_id, "name": p.name, "last_sync_at": p.last_sync_at,
                           "waiting": p.waiting} for p in st.peers],
                "conflicts": [d for _i, _k, d in st.conflicts], "group_secret_present": secret,
                "quarantined": [{"from": w, "entity": k, "reason": r} for w, k, r in st.quarantined]}, "\n".join(lines))
    return EXIT_OK


def _reidentify(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.cli.admin_cmds import supervisor_if_accounts
    from desktop.services.peer import clones

    with ctx.db.session() as s:
        by = supervisor_if_accounts(ctx, s, args.by)
        r = clones.reidentify(s, by)
    ctx.output({"old_device_id": r.old_id, "device_id": r.new_id, "reissued": r.reissued},
               f"Máy này có mã máy mới {r.new_id[:8]} (trước: {r.old_id[:8]}); {r.reissued} bản ghi làm sau khi bị "
               "sao chép sẽ được gửi lại dưới mã mới. Đồng bộ lại với các máy khác. Nếu máy đã kết nối với tỉnh, "
               "kết nối lại với tỉnh trên máy này để có khoá gửi báo cáo riêng.")
    return EXIT_OK
