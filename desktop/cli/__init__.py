"""Headless commands (`enrollpoint …`) over the same services the UI calls: `context` (data dir, database,
output, exit codes) and one `*_cmds` module per group of commands, each listed in COMMAND_MODULES.

Every command takes `--data-dir DIR` and `--json`. Exit codes: 0 success, 2 unusable input (with a
one-line reason on stderr), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys

from desktop.cli import (
    admin_cmds,
    import_cmds,
    peer_cmds,
    print_cmds,
    register_cmds,
    schedule_cmds,
    sync_cmds,
    target_cmds,
)
from desktop.cli.context import EXIT_INPUT, CliContext, UsageError

# Each module defines add_commands(subparsers, common) and sets `func` (args, ctx) -> int on its parsers.
COMMAND_MODULES = (
    register_cmds, import_cmds, schedule_cmds, print_cmds, sync_cmds, admin_cmds, peer_cmds, target_cmds,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data directory (default: the user data dir)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    parser = _Parser(prog="enrollpoint", description="EnrollPoint: commune ID-enrollment points")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.add_commands(sub, common)
    return parser


def _globals_last(args: list[str]) -> list[str]:
    """`enrollpoint --data-dir D init …` works like `enrollpoint init … --data-dir D`."""
    front: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("--"):
        opt = args[i]
        if opt == "--data-dir" and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
        elif opt.startswith("--data-dir=") or opt == "--json":
            front.append(opt)
            i += 1
        else:
            break
    return args[i:] + front


def main(argv: list[str] | None = None) -> int:
    args_list = _globals_last(sys.argv[1:] if argv is None else list(argv))
    json_mode = "--json" in args_list
    try:
        args = build_parser().parse_args(args_list)
    except UsageError as exc:
        CliContext.fail_line(str(exc), json_mode)
        return EXIT_INPUT
    ctx = CliContext(data_dir=args.data_dir, json_mode=args.json)
    try:
        return int(args.func(args, ctx) or 0)
    except UsageError as exc:
        ctx.fail(str(exc))
        return EXIT_INPUT
    finally:
        ctx.close()
