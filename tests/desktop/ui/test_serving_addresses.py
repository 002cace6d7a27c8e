"""Serving in "Máy trong xã" says the address the other laptop must type (host:port) and shows it as a QR
code, not only the port."""

from __future__ import annotations

import re

from desktop.services.peer import group
from desktop.ui.support.lan_addresses import lan_addresses, serving_addresses
from desktop.ui.views.peers import PeersPanel
from tests.support.qt import wait_idle


def test_serving_shows_host_and_port_and_its_qr(qtbot, controller, window):
    group.create_group(controller.db)  # only a member of the commune's group serves
    panel = window.findChild(PeersPanel)
    panel.start_serving("127.0.0.1", 0)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: panel.server is not None, timeout=5000)
    try:
        address = f"127.0.0.1:{panel.server.port}"
        assert address in panel.status_label.text(), panel.status_label.text()
        assert panel.serve_qr is not None and panel.serve_qr.data == address
    finally:
        panel.stop_serving()
    assert panel.serve_qr is None


def test_serving_on_every_interface_lists_this_laptops_lan_addresses():
    listed = serving_addresses("0.0.0.0", 8765)
    assert listed == [f"{a}:8765" for a in lan_addresses()]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+:8765", a) and not a.startswith("127.") for a in listed)
