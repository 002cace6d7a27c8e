#!/usr/bin/env bash
# Debian packages the app and its tests need beyond Python wheels. Installs what is missing when run as
# root with apt (CI, a fresh VM); otherwise prints the apt-get line to run. `run` = the app only.
set -euo pipefail
want=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
if [ "${1:-test}" = test ]; then
  # postgresql: hub tests on PostgreSQL; chromium: dashboard test; poppler-utils: PDF pages to PNG.
  want+=(postgresql chromium poppler-utils)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: sudo apt-get install ${missing[*]}" >&2
fi
