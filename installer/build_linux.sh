#!/usr/bin/env bash
# Build the Linux one-folder bundle into dist/enrollpoint and report its size.
#   installer/build_linux.sh            (from anywhere; uses .venv of the repository if present)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
"$PY" -m PyInstaller --version >/dev/null 2>&1 || { echo "PyInstaller missing: pip install -e '.[dev]'" >&2; exit 2; }
rm -rf build/enrollpoint dist/enrollpoint
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build" installer/enrollpoint.spec
"$PY" installer/strip_bundle.py dist/enrollpoint
SIZE_MB=$(du -sm dist/enrollpoint | cut -f1)
echo "bundle: dist/enrollpoint ($SIZE_MB MB on disk; $(find dist/enrollpoint -type f | wc -l) files)"
if command -v tar >/dev/null; then
    tar -C dist -czf dist/enrollpoint-linux-x86_64.tar.gz enrollpoint
    echo "archive: dist/enrollpoint-linux-x86_64.tar.gz ($(du -m dist/enrollpoint-linux-x86_64.tar.gz | cut -f1) MB)"
fi
