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


def main(argv: list[str] | None = None) -> int:
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
