"""Headless commands (`enrollpoint …`) over the same services the UI calls: `context` (data dir, database,
output, exit codes) and one `*_cmds` module per group of commands, each listed in COMMAND_MODULES.

Every command takes `--data-dir DIR` and `--json`. Exit codes: 0 success; 2 a refusal or a known failure,
with one line of words on stderr and never a traceback (`UserError` from any layer: bad input, a rule of the
services, a database locked past its timeout, a full, read-only or failing disk); 1 a bug, logged
(redacted) and said in one line too.
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
from desktop.cli.context import EXIT_FAILURE, EXIT_INPUT, CliContext
from desktop.errors import UsageError

# Each module defines add_commands(subparsers, common) and sets `func` (args, ctx) -> int on its parsers.
COMMAND_MODULES = (
    register_cmds, import_cmds, schedule_cmds, print_cmds, sync_cmds, admin_cmds, peer_cmds, target_cmds,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, en=message)


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
    ctx: CliContext | None = None
    try:
        ctx = CliContext(data_dir=args.data_dir, json_mode=args.json)
        return int(args.func(args, ctx) or 0)
    except BrokenPipeError:  # `enrollpoint … | head -1`: __main__ exits quietly as `yes | head` does
        raise
    except KeyboardInterrupt:
        CliContext.fail_line("Đã dừng theo yêu cầu (Ctrl+C).", json_mode)
        return 130
    except Exception as exc:  # one error path: words for what is known, a logged bug for the rest
        return _refuse(exc, json_mode)
    finally:
        if ctx is not None:
            _close_quietly(ctx)


def _refuse(exc: Exception, json_mode: bool) -> int:
    """One line of words and exit 2 for an expected failure; one line and exit 1 (and the log) for a bug."""
    from desktop import paths
    from desktop.storage.failure_words import user_message

    words = user_message(exc, data_dir=paths.data_dir())
    if words is not None:
        CliContext.fail_line(words, json_mode)
        return EXIT_INPUT
    from desktop.logs import log_unexpected

    try:
        log_unexpected(type(exc), exc, exc.__traceback__)
    except Exception:  # a log that cannot be written must not hide the one line below
        pass
    CliContext.fail_line(
        f"Lỗi không mong đợi ({type(exc).__name__}); chi tiết đã ghi vào nhật ký của ứng dụng. "
        "Hãy báo cán bộ kỹ thuật.", json_mode)
    return EXIT_FAILURE


def _close_quietly(ctx: CliContext) -> None:
    """Closing after a failure must not raise a second error over the first one's words."""
    try:
        ctx.close()
    except Exception:
        pass
