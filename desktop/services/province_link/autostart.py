"""Sending while the app is closed: `enrollpoint sync --watch` started at login.

Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/enrollpoint-sync.desktop` (default ~/.config),
which desktop sessions (GNOME, KDE, XFCE…) run at login. Windows: the installer's Task Scheduler task
(docs/sync.md); this module writes the Linux entry only. Two logins or a hand-typed watch never make two
senders: the watch takes the database's sender lock (`sender_lock`).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

ENTRY_NAME = "enrollpoint-sync.desktop"


def autostart_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def entry_text(command: list[str]) -> str:
    """The .desktop entry that runs `command` at login, with no window."""
    exec_line = " ".join(shlex.quote(part) for part in command)
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=EnrollPoint: tự gửi báo cáo lên tỉnh",
        "Name[en]=EnrollPoint: send reports to the province",
        "Comment=enrollpoint sync --watch: gửi các ngày đã chốt khi có mạng",
        f"Exec={exec_line}",
        "Terminal=false",
        "NoDisplay=true",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def enable(command: list[str]) -> Path:
    """Write (or replace) the autostart entry; its path."""
    folder = autostart_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ENTRY_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(entry_text(command), encoding="utf-8")
    os.replace(tmp, path)
    return path


def disable() -> Path | None:
    """Remove the entry; its path, or None when there was none."""
    path = autostart_dir() / ENTRY_NAME
    if not path.exists():
        return None
    path.unlink()
    return path


def current() -> Path | None:
    path = autostart_dir() / ENTRY_NAME
    return path if path.exists() else None
