"""Helpers for tests on a real hub process with several communes and accounts: enrol a laptop over HTTP
with a code from the hub's CLI, and read a signed-in page's CSRF token."""

from __future__ import annotations

import json
import re

import httpx

from tests.support.hub import Laptop, enrol_http
from tests.support.hub_process import HubProcess


def enrol_over_http(http: httpx.Client, hub: HubProcess, commune: str, name: str = "Máy xã") -> Laptop:
    """A laptop of `commune` enrolled with a fresh one-time code drawn by the hub's CLI."""
    return enrol_http(http, json.loads(hub.cli("--json", "enrol-code", commune))["code"], name)


def csrf_in(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:300]
    return m.group(1)
