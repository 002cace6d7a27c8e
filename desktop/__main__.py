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
        return rc
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE


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
