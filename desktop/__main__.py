"""`enrollpoint`: with no arguments the desktop app; with a command, the headless CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("--lang",) or (args[0] == "--data-dir" and len(args) == 2):
        from desktop.app import main as gui_main

        return gui_main(args)
    from desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
