"""`enrollpoint target`: targets per village, set by the commune (the province's come with `targets`/sync).

    enrollpoint target village "Thôn Đông" card_captured 150     # set or change
    enrollpoint target village "Thôn Đông" card_captured --clear  # remove (or every indicator: no INDICATOR)
    enrollpoint target list                                        # villages, targets, reached today

Setting or clearing a target is a supervisor's action (audited): once the laptop has accounts, name one with
`--by NAME` (PIN from ENROLLPOINT_SUPERVISOR_PIN or asked).
"""

from __future__ import annotations

import argparse
import datetime as dt

from desktop.cli.context import CliContext, UsageError, parse_day
from sync import indicators

# Handlers import the services they use (the domain layer would add ~0.1 s to every command's start-up).
VILLAGE_INDICATORS = indicators.VILLAGE_TARGETS  # sync/indicators.py (light: no domain import)


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("target", parents=[common], help="chỉ tiêu theo thôn/tổ do xã đặt")
    what = p.add_subparsers(dest="target_command", metavar="COMMAND", parser_class=type(p))
    what.required = True
    v = what.add_parser("village", parents=[common], help="đặt, sửa hoặc xoá chỉ tiêu của một thôn/tổ")
    v.add_argument("village", help="tên thôn/tổ dân phố (như trong sổ, không cần dấu)")
    v.add_argument("indicator", nargs="?", choices=VILLAGE_INDICATORS, help="chỉ tiêu")
    v.add_argument("value", nargs="?", type=int, help="số cần đạt")
    v.add_argument("--clear", action="store_true", help="xoá chỉ tiêu (mọi chỉ tiêu của thôn nếu không nêu)")
    v.add_argument("--by", metavar="SUPERVISOR",
                   help="người phụ trách xác nhận (khi máy đã có tài khoản; PIN: ENROLLPOINT_SUPERVISOR_PIN)")
    v.set_defaults(func=_village)
    lst = what.add_parser("list", parents=[common], help="chỉ tiêu theo thôn/tổ và mức đạt")
    lst.add_argument("--date", help="tính đến ngày (mặc định hôm nay)")
    lst.set_defaults(func=_list)


def _village(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.cli.admin_cmds import supervisor_if_accounts
    from desktop.services.figures import village_targets

    with ctx.db.session() as s:
        by = supervisor_if_accounts(ctx, s, args.by)  # setting targets is a supervisor's action (audited)
        if args.clear:
            if args.value is not None:
                raise UsageError("--clear không đi cùng số chỉ tiêu.",
                                 en="--clear does not go with a target number.")
            n = village_targets.clear_village_target(s, args.village, args.indicator, operator=by)
            ctx.output({"village": args.village, "indicator": args.indicator, "removed": n},
                       f"Đã xoá {n} chỉ tiêu của “{args.village}”.")
            return 0
        if args.indicator is None or args.value is None:
            raise UsageError("Cần CHỈ_TIÊU và SỐ (ví dụ: card_captured 150), hoặc --clear.",
                             en="Give TARGET and NUMBER (e.g. card_captured 150), or --clear.")
        row = village_targets.set_village_target(s, args.village, args.indicator, args.value,
                           operator=by)
    ctx.output({"village": row.village, "village_key": row.village_key, "indicator": row.indicator,
                "value": row.value}, f"{row.village}: chỉ tiêu {row.indicator} = {row.value}.")
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.services.figures import indicators, progress

    on = parse_day(args.date) if args.date else dt.date.today()
    with ctx.db.session() as s:
        p = progress.progress(s, on, series_days=1)
    rows = []
    lines = []
    for v in p.villages:
        if not v.targets:
            continue
        items = [{"indicator": k, "target": n, "cumulative": v.cumulative.get(k, 0),
                  "percent": v.target_percent.get(k)} for k, n in v.targets.items()]
        rows.append({"village": v.village, "met": v.met, "targets": items})
        parts = "; ".join(f"{indicators.label(k)} {v.cumulative.get(k, 0)}/{n}"
                          f" ({str(v.target_percent.get(k)).replace('.', ',')} %)" for k, n in v.targets.items())
        lines.append(f"{v.village}: {parts} — {'đạt' if v.met else 'chưa đạt'}")
    ctx.output({"on": on.isoformat(), "villages": rows},
               "\n".join(lines) if lines else "Chưa có chỉ tiêu theo thôn/tổ nào.")
    return 0
