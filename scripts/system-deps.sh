#!/usr/bin/env bash
# Debian packages the app and its tests need beyond Python wheels. Installs what is missing when run as
# root with apt (CI, a fresh VM); otherwise prints the apt-get line to run. `run` = the app only.
set -euo pipefail
want=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
# Qt's xcb platform plugin (a real X display): what `ldd` lists for PySide6's plugins/platforms/libqxcb.so
# and lib/libQt6XcbQpa.so.6 (tests/e2e/test_real_display.py checks that none is missing). Without them
# Qt aborts with "could not load the Qt platform plugin xcb".
want+=(libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
  libxcb-xkb1 libxcb-glx0 libxkbcommon-x11-0)
if [ "${1:-test}" = test ]; then
  # postgresql: hub tests on PostgreSQL; chromium: dashboard test; poppler-utils: PDF pages to PNG;
  # xvfb, xauth, x11-utils (xwininfo): the app and the frozen bundle started on a real (virtual) X display.
  want+=(postgresql chromium poppler-utils xvfb xauth x11-utils)
  # openbox: a window manager on that display, with a 40 px bottom margin standing for a taskbar, so frames and
  # the work area are real (tests/e2e/test_screen_fit.py: every window and dialog fits the screen).
  want+=(openbox)
  want+=(nginx)  # the hub behind a real proxy with 4 workers (tests/province/test_proxy_workers.py; TLS: test_deployment.py)
  want+=(systemd)  # systemd-analyze verify/security on deploy/enrollpoint-hub.service (tests/province/test_deployment.py)
  want+=(libicu-dev pkg-config)  # to build PyICU (dev extra): the ICU collation oracle of the tests
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
