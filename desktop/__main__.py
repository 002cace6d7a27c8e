"""`enrollpoint`: with no arguments the desktop app; with a command, the headless CLI."""

from __future__ import annotations

import sys


def version() -> str:
    """The installed distribution's version (also inside the PyInstaller bundle, which ships its metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _v

    try:
        return _v("enrollpoint")
    except PackageNotFoundError:
        return "0+unknown"


# `enrollpoint … --json | head`: the reader went away. Exit as `yes | head` does (128 + SIGPIPE), quietly.
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    try:
        rc = _main(argv)
        sys.stdout.flush()  # inside the try: a pipe closed early fails here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    if argv is None and _command_words(sys.argv[1:]):
        _exit_now(rc)
    return rc


def _exit_now(rc: int) -> None:
    """End a finished command without the interpreter's teardown of every module and object (~0.07 s of a
    command that loaded SQLAlchemy and the models). Only as the program (argv None) and only for commands:
    the CLI has closed the database by now; the log is flushed here. The GUI and callers of main(argv)
    return normally."""
    import logging
    import os

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at interpreter exit does not print a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["--version"], ["-V"]):
        print(f"enrollpoint {version()}")
        return 0
    if not _command_words(args):
        from desktop.app import main as gui_main

        return gui_main(args)
    # A command is a short process that imports ~100,000 long-lived objects (SQLAlchemy, the models) before
    # it does anything: with the default threshold (700) the collector runs hundreds of passes over them,
    # ~20 % of a `search`'s start-up. Young objects are still freed by reference counting; cycles are
    # collected, only less often. (The GUI keeps the defaults and freezes after building its window.)
    import gc

    gc.set_threshold(100_000, 50, 50)
    from desktop.cli import main as cli_main

    return cli_main(args)


# Options that may stand before a command (or alone, for the GUI) and the ones that take a value.
_GLOBAL_WITH_VALUE = ("--data-dir", "--lang")
_GLOBAL_FLAGS = ("--json",)


def _command_words(args: list[str]) -> list[str]:
    """What is left after the global options: empty means "open the GUI"."""
    rest: list[str] = []
    skip = False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in _GLOBAL_WITH_VALUE:
            skip = True
            continue
        if a.split("=", 1)[0] in _GLOBAL_WITH_VALUE or a in _GLOBAL_FLAGS:
            continue
        rest = args[i:]
        break
    return rest


if __name__ == "__main__":
    sys.exit(main())
