"""Helpers for tests on a real hub process with several communes and accounts: enrol a laptop over HTTP
with a code from the hub's CLI, and read a signed-in page's CSRF token."""

from __future__ import annotations

import json
import re

import httpx

from sync import signing
from tests.support.hub import Laptop
from tests.support.hub_process import HubProcess


def enrol_over_http(http: httpx.Client, hub: HubProcess, commune: str, name: str = "Máy xã") -> Laptop:
    code = json.loads(hub.cli("--json", "enrol-code", commune))["code"]
    priv, pub = signing.generate_keypair()
    r = http.post("/api/v1/enrol", json={"code": code, "device_name": name, "public_key": pub})
    assert r.status_code == 200, r.text
    d = r.json()
    return Laptop(d["device_id"], d["token"], priv, pub, commune)


def csrf_in(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:300]
    return m.group(1)
