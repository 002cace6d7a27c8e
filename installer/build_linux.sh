#!/usr/bin/env bash
# Build the Linux one-folder bundle into dist/enrollpoint and report its size and build time.
#   make installer                      (.venv from the lock requirements/dev.txt, then this script)
#   installer/build_linux.sh            (from anywhere; uses .venv of the repository if present)
#   EP_DIST_DIR=/tmp/d EP_BUILD_DIR=/tmp/b installer/build_linux.sh   (elsewhere: tests/e2e/test_installer.py)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
"$PY" -m PyInstaller --version >/dev/null 2>&1 || { echo "PyInstaller missing: make test (or make installer) installs requirements/dev.txt" >&2; exit 2; }
# The bundle holds what the tests ran against: the venv must be the lock (EP_SKIP_LOCK_CHECK=1 to try otherwise).
[ "${EP_SKIP_LOCK_CHECK:-}" = 1 ] || "$PY" installer/check_lock.py requirements/dev.txt || exit 2
DIST="${EP_DIST_DIR:-$ROOT/dist}"
WORK="${EP_BUILD_DIR:-$ROOT/build}"
mkdir -p "$DIST" "$WORK"
rm -rf "$WORK/enrollpoint" "$DIST/enrollpoint"
START=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" installer/enrollpoint.spec
"$PY" installer/strip_bundle.py "$DIST/enrollpoint"
SIZE_MB=$(du -sm "$DIST/enrollpoint" | cut -f1)
echo "bundle: $DIST/enrollpoint ($SIZE_MB MB on disk; $(find "$DIST/enrollpoint" -type f | wc -l) files; built in $(( $(date +%s) - START )) s)"
if command -v tar >/dev/null; then
    tar -C "$DIST" -czf "$DIST/enrollpoint-linux-x86_64.tar.gz" enrollpoint
    echo "archive: $DIST/enrollpoint-linux-x86_64.tar.gz ($(du -m "$DIST/enrollpoint-linux-x86_64.tar.gz" | cut -f1) MB)"
fi
