#!/usr/bin/env bash
# Smoke test of the built bundle: --version, then a fresh data dir is created, migrated and encrypted.
#   installer/smoke_test.sh [dist/enrollpoint/enrollpoint]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/dist/enrollpoint/enrollpoint}"
[ -x "$BIN" ] || { echo "no binary at $BIN (run installer/build_linux.sh)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen
export XDG_DATA_HOME="$WORK/xdg" XDG_CONFIG_HOME="$WORK/xdg-config" HOME="$WORK/home"
mkdir -p "$HOME"
# Which keyring the frozen app uses can be forced (e.g. keyring.backends.null.Keyring in CI).
if [ -n "${EP_SMOKE_KEYRING:-}" ]; then export PYTHON_KEYRING_BACKEND="$EP_SMOKE_KEYRING"; fi
DATA="$WORK/data"

out="$("$BIN" --version)"
echo "$out"
[[ "$out" =~ ^enrollpoint\ [0-9] ]] || { echo "FAIL: --version printed '$out'" >&2; exit 1; }

run() { "$BIN" "$@" --data-dir "$DATA"; }
set +e; msg="$(run init --commune-code 22736 2>&1)"; rc=$?; set -e
echo "$msg" | head -3
if [ $rc -ne 0 ]; then
    # No usable OS keyring (headless box): the app must refuse cleanly (exit 2, Vietnamese message
    # naming the keyring), not crash. The rest then runs with the documented plain opt-out.
    [ $rc -eq 2 ] || { echo "FAIL: init exited $rc" >&2; exit 1; }
    echo "$msg" | grep -q "keyring" || { echo "FAIL: unexpected refusal" >&2; exit 1; }
    echo "no OS keyring here: clean refusal (exit 2); continuing with ENROLLPOINT_PLAIN_DB=1"
    export ENROLLPOINT_PLAIN_DB=1
    rm -rf "$DATA"
    run init --commune-code 22736
fi
[ -s "$DATA/enrollpoint.db" ] || { echo "FAIL: no database created" >&2; exit 1; }
ENROLLPOINT_PIN=2468 run operator add "Người Phụ Trách" --role supervisor
run operator list --json | grep -q supervisor
run backup
ls "$DATA/backups"/*.db >/dev/null
run audit --limit 5
head -c 16 "$DATA/enrollpoint.db" | od -c | head -1
if [ -z "${ENROLLPOINT_PLAIN_DB:-}" ] && head -c 15 "$DATA/enrollpoint.db" | grep -q "SQLite format"; then
    echo "FAIL: database is not encrypted" >&2; exit 1
fi
perm=$(stat -c %a "$DATA/enrollpoint.db"); [ "$perm" = 600 ] || { echo "FAIL: db mode $perm" >&2; exit 1; }
# The GUI starts offscreen (Qt plugins, fonts, translations load); it waits for input, so stop it after 12 s.
set +e; timeout 12 "$BIN" --data-dir "$DATA" >"$WORK/gui.log" 2>&1; rc=$?; set -e
if [ $rc -ne 124 ] && [ $rc -ne 0 ]; then
    echo "FAIL: the GUI exited with $rc:" >&2; tail -20 "$WORK/gui.log" >&2; exit 1
fi
echo "GUI started offscreen (rc $rc)"
# Encryption inside the frozen app (sqlcipher3 + keyring): a throw-away file keyring loaded through
# keyring's own config (keyringrc.cfg: keyring-path), so the bundle itself ships no plaintext backend.
if [ -n "${ENROLLPOINT_PLAIN_DB:-}" ]; then
    unset ENROLLPOINT_PLAIN_DB PYTHON_KEYRING_BACKEND
    KR="$WORK/kr"; mkdir -p "$KR" "$XDG_CONFIG_HOME/python_keyring"
    cat >"$KR/smokekeyring.py" <<'PY'
import json, os
from keyring.backend import KeyringBackend

class FileKeyring(KeyringBackend):
    """Smoke test only: secrets in a JSON file next to this module."""
    priority = 1
    store = os.path.join(os.path.dirname(os.path.abspath(__file__)), "store.json")
    def _load(self):
        try:
            with open(self.store) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}
    def get_password(self, service, username):
        return self._load().get(service + "/" + username)
    def set_password(self, service, username, password):
        d = self._load(); d[service + "/" + username] = password
        with open(self.store, "w") as f:
            json.dump(d, f)
    def delete_password(self, service, username):
        d = self._load(); d.pop(service + "/" + username, None)
        with open(self.store, "w") as f:
            json.dump(d, f)
PY
    printf '[backend]\ndefault-keyring=smokekeyring.FileKeyring\nkeyring-path=%s\n' "$KR" \
        >"$XDG_CONFIG_HOME/python_keyring/keyringrc.cfg"
    ENC="$WORK/enc"
    "$BIN" init --commune-code 22736 --data-dir "$ENC"
    ENROLLPOINT_PIN=1357 "$BIN" operator add "Trưởng Công An" --role supervisor --data-dir "$ENC" 2>"$WORK/rk.txt"
    grep -q "KHÓA KHÔI PHỤC" "$WORK/rk.txt" || echo "note: the recovery key was not printed (init created the key and does not show it yet)"
    "$BIN" backup --data-dir "$ENC"
    if head -c 15 "$ENC/enrollpoint.db" | grep -q "SQLite format"; then
        echo "FAIL: frozen app wrote a plain database with a working keyring" >&2; exit 1
    fi
    grep -q "Trưởng Công An" "$ENC/enrollpoint.db" && { echo "FAIL: plaintext name on disk" >&2; exit 1; }
    "$BIN" operator list --data-dir "$ENC" | grep -q "Trưởng Công An"
    echo "encrypted database in the frozen app: OK"
fi
echo "smoke test OK"
