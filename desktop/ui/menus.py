"""The menu installers outside the main window's own menus, listed explicitly and imported normally.

Each `install(shell)` adds its actions, docks and status widgets through the Shell. An import error here
is a bug and stops the app loudly (no module is skipped). Order matters: it is the order of the items in
a shared menu (Tools: audit trail, then switch operator) and of the status-bar widgets.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.ui.actions import audit, login, peers, printing, sync
from desktop.ui.shell import Shell

INSTALLERS: tuple[tuple[str, Callable[[Shell], None]], ...] = (
    ("audit", audit.install),
    ("login", login.install),
    ("printing", printing.install),
    ("sync", sync.install),
    ("peers", peers.install),
)


def install_menus(shell: Shell) -> list[str]:
    """Run every installer; returns their names (for tests and the log)."""
    for _name, install in INSTALLERS:
        install(shell)
    return [name for name, _install in INSTALLERS]
