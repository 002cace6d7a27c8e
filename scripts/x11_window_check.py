"""Start a program on a real X display (a private Xvfb) with Qt's xcb platform and wait for its window.

    python3 scripts/x11_window_check.py [--title EnrollPoint] [--timeout 60] -- PROGRAM [ARGS...]

Why: every other test runs Qt offscreen, which never loads the xcb platform plugin, so a missing Debian
library (libxcb-cursor0, libxcb-icccm4, ...) only showed up on a real desktop, as an abort at start. This
starts Xvfb on a free display number (-displayfd), runs the program with DISPLAY set and
QT_QPA_PLATFORM=xcb, and polls `xwininfo` (Debian x11-utils) from outside the program until a mapped
top-level window whose name contains the title appears; then it stops the program and Xvfb. Exit 0 and
"window after N.N s" when seen; 1 otherwise, with the end of the program's output. Standard library only
(also used by installer/smoke_test.sh for the frozen bundle and by tests/e2e/test_real_display.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# `xwininfo -root -tree`:      0x200007 "Title": ("res" "Class")  900x640+180+40  +180+40
_TREE_LINE = re.compile(r'^\s*(0x[0-9a-fA-F]+) "(.*)": .*?\s(\d+)x(\d+)[+-]')
MIN_SIDE = 100  # Qt keeps 1x1 / 3x3 helper windows (leader, selection owner) that are not "the window"


def tools_missing() -> list[str]:
    return [t for t in ("Xvfb", "xwininfo") if shutil.which(t) is None]


@contextlib.contextmanager
def xvfb(timeout: float = 20.0, screen: str = "1280x800x24") -> Iterator[str]:
    """A private Xvfb (one screen of `screen`, WxHxDepth) on the first free display number; yields ":N"."""
    read_fd, write_fd = os.pipe()
    log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in the finally below, after Xvfb stopped)
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + timeout
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or proc.poll() is not None:
                log.seek(0)
                err = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"Xvfb did not start within {timeout:.0f} s: {err}".strip())
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 16)
                if not chunk:
                    continue
                number += chunk
        yield ":" + number.decode().strip()
    finally:
        os.close(read_fd)
        _stop(proc)
        log.close()


OPENBOX_RC = """<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <margins><top>0</top><bottom>{bottom}</bottom><left>0</left><right>0</right></margins>
</openbox_config>
"""


@contextlib.contextmanager
def openbox(display: str, bottom_margin: int = 40, timeout: float = 20.0) -> Iterator[None]:
    """openbox on `display`, keeping `bottom_margin` px out of the work area (a taskbar's place); waits
    (bounded) until it has published the work area (_NET_WORKAREA, read with xprop)."""
    env = {**os.environ, "DISPLAY": display}
    with tempfile.TemporaryDirectory() as tmp:
        rc = Path(tmp) / "rc.xml"
        rc.write_text(OPENBOX_RC.format(bottom=bottom_margin), encoding="utf-8")
        proc = subprocess.Popen(["openbox", "--config-file", str(rc)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                out = subprocess.run(["xprop", "-root", "_NET_WORKAREA"], env=env, capture_output=True,
                                     text=True, timeout=10, check=False).stdout
                if "=" in out:
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"openbox did not start on {display}: {out.strip()}")
                time.sleep(0.1)
            yield
        finally:
            _stop(proc)


@dataclass
class Window:
    id: str
    name: str
    width: int
    height: int


@dataclass
class Result:
    seen: bool
    seconds: float
    windows: list[Window] = field(default_factory=list)
    exit_code: int | None = None  # set when the program ended by itself before a window appeared
    output: str = ""


def viewable_windows(display: str, title: str) -> list[Window]:
    """Mapped top-level-sized windows whose name contains `title`, seen by xwininfo (outside the app)."""
    env = {**os.environ, "DISPLAY": display}
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True,
                          timeout=10, check=False)
    found = []
    for line in tree.stdout.splitlines():
        m = _TREE_LINE.match(line)
        if not m or title not in m.group(2):
            continue
        w = Window(m.group(1), m.group(2), int(m.group(3)), int(m.group(4)))
        if w.width < MIN_SIDE or w.height < MIN_SIDE:
            continue
        info = subprocess.run(["xwininfo", "-id", w.id], env=env, capture_output=True, text=True,
                              timeout=10, check=False)
        if "Map State: IsViewable" in info.stdout:
            found.append(w)
    return found


def run_until_window(
    cmd: Sequence[str], display: str, *, title: str = "EnrollPoint", timeout: float = 60.0,
    env: dict[str, str] | None = None, poll: float = 0.25,
) -> Result:
    """Start `cmd` on `display` with the xcb platform, wait for its window (bounded), then stop it."""
    run_env = {**(os.environ if env is None else env), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    run_env.pop("WAYLAND_DISPLAY", None)
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(list(cmd), env=run_env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        result = Result(False, 0.0)
        try:
            while time.monotonic() - start < timeout:
                windows = viewable_windows(display, title)
                if windows:
                    result = Result(True, time.monotonic() - start, windows)
                    break
                if proc.poll() is not None:
                    result = Result(False, time.monotonic() - start, exit_code=proc.returncode)
                    break
                time.sleep(poll)
            else:
                result = Result(False, time.monotonic() - start)
        finally:
            _stop(proc)
            out.seek(0)
            result.output = out.read().decode("utf-8", errors="replace")
    return result


def _stop(proc: subprocess.Popen, grace: float = 10.0) -> None:  # type: ignore[type-arg]
    """SIGTERM the process group, SIGKILL it after `grace` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(grace)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--title", default="EnrollPoint", help="part of the window name to wait for")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the window")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- PROGRAM [ARGS...]")
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no program given")
    missing = tools_missing()
    if missing:
        print(f"missing: {' '.join(missing)} (Debian: xvfb x11-utils)", file=sys.stderr)
        return 3
    with xvfb() as display:
        res = run_until_window(cmd, display, title=args.title, timeout=args.timeout)
    if res.seen:
        names = ", ".join(f'"{w.name}" {w.width}x{w.height}' for w in res.windows)
        print(f"window after {res.seconds:.1f} s on {display} (xcb): {names}")
        return 0
    why = f"exited with {res.exit_code}" if res.exit_code is not None else f"no window within {args.timeout:.0f} s"
    print(f"FAIL: {Path(cmd[0]).name} {why} on {display} (xcb); its output ends:\n{res.output[-3000:]}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
