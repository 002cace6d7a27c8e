"""scripts/x11_window_check.py loaded as a module (it is a script, not a package): the private Xvfb, the
window manager and the window probes that the real-display tests share."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[2] / "scripts" / "x11_window_check.py"


def x11_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("x11_window_check", TOOL)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["x11_window_check"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod
