"""Remove what the one-folder bundle carries but never uses: Qt plugins, Qt translations, QML, Qt libraries.

    python installer/strip_bundle.py dist/enrollpoint

PITFALLS: with PySide6-Essentials a Linux build is ~220 MB; removing unused plugins and translations
saves more than excluding Python modules. Kept: the platform plugins (xcb, wayland, offscreen, windows,
cocoa), image formats the UI and print preview read (svg, ico, jpeg, gif, png is built in), print support,
icon engines, styles and the platform themes; translations for Vietnamese and English only.
Prints the size before and after.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

KEEP_PLUGIN_DIRS = {
    "platforms", "platformthemes", "platforminputcontexts", "imageformats", "iconengines", "printsupport",
    "styles", "xcbglintegrations", "wayland-shell-integration", "wayland-decoration-client",
    "wayland-graphics-integration-client", "generic",
}
KEEP_IMAGEFORMATS = ("svg", "ico", "jpeg", "gif")
DROP_PLATFORMS = ("vnc", "linuxfb", "eglfs", "minimalegl", "vkkhrdisplay", "direct2d")
KEEP_TRANSLATIONS = ("_vi", "_en")
DROP_LIB_PREFIXES = (
    "libQt6Qml", "libQt6Quick", "libQt6Sql", "libQt6Test", "libQt6Designer", "libQt6Help", "libQt6UiTools",
    "libQt6Concurrent", "libQt6ShaderTools", "libQt6LabsStyleKit", "libQt6OpenGLWidgets",
    "Qt6Qml", "Qt6Quick", "Qt6Sql", "Qt6Test", "Qt6Designer", "Qt6Help", "Qt6UiTools",
)


def size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def strip(bundle: Path) -> tuple[int, int]:
    before = size(bundle)
    for qt in bundle.rglob("PySide6"):
        if not qt.is_dir():
            continue
        for base in (qt / "Qt", qt):
            plugins = base / "plugins"
            if plugins.is_dir():
                for d in plugins.iterdir():
                    if d.is_dir() and d.name not in KEEP_PLUGIN_DIRS:
                        shutil.rmtree(d)
                for f in (plugins / "imageformats").glob("*") if (plugins / "imageformats").is_dir() else []:
                    if not any(k in f.name for k in KEEP_IMAGEFORMATS):
                        f.unlink()
                for f in (plugins / "platforms").glob("*") if (plugins / "platforms").is_dir() else []:
                    if any(k in f.name for k in DROP_PLATFORMS):
                        f.unlink()
            tr = base / "translations"
            if tr.is_dir():
                for f in tr.iterdir():
                    if f.is_file() and not any(f.stem.endswith(k) for k in KEEP_TRANSLATIONS):
                        f.unlink()
            for sub in ("qml", "resources/qtwebengine_devtools_resources.pak"):
                t = base / sub
                if t.is_dir():
                    shutil.rmtree(t)
            lib = base / "lib"
            if lib.is_dir():
                for f in lib.iterdir():
                    if f.name.startswith(DROP_LIB_PREFIXES):
                        f.unlink()
    for f in list(bundle.rglob("*")):
        if f.is_file() and f.name.startswith(DROP_LIB_PREFIXES):
            f.unlink()
    return before, size(bundle)


def main() -> int:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/enrollpoint")
    if not bundle.is_dir():
        print(f"no bundle at {bundle}", file=sys.stderr)
        return 2
    before, after = strip(bundle)
    print(f"stripped {bundle}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
