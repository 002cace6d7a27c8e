"""Schemathesis over the hub's own OpenAPI, against a real hub process on 127.0.0.1 (SQLite and
PostgreSQL): a bounded number of generated requests per operation, signed in (bearer token of an enrolled
device, dashboard session of an admin), and not one answer may be a 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from province import auth
from province.db import open_hub
from sync import signing
from tests.support.hub import add_user, hub_proc, setup_commune

MAX_EXAMPLES = 25


def test_no_server_error_over_the_openapi(hub_url, tmp_path):
    pytest.importorskip("schemathesis")
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if st is None:
        pytest.skip("schemathesis CLI not installed (make test installs requirements/dev.txt)")
    db = open_hub(hub_url)
    try:
        code = setup_commune(db)
        add_user(db, "quan.tri", "admin")
        with db.session(write=True) as s:
            link, _ = auth.create_login_link(s, "quan.tri", 10)
    finally:
        db.close()
    log = tmp_path / "hub.log"
    with hub_proc(hub_url, log) as (base, _proc):
        _, pub = signing.generate_keypair()
        device = httpx.post(f"{base}/api/v1/enrol", json={"code": code, "device_name": "x", "public_key": pub}).json()
        http = httpx.Client(base_url=base)
        assert http.get(f"/login/link/{link}", follow_redirects=False).status_code == 303
        cookie = http.cookies.get(auth.COOKIE)
        run = subprocess.run(
            [st, "run", f"{base}/openapi.json", "--checks", "not_a_server_error", "--max-examples", str(MAX_EXAMPLES),
             "--seed", "12", "--request-timeout", "30", "--max-failures", "5",
             "-H", f"Authorization: Bearer {device['token']}", "-H", f"X-EnrollPoint-Device: {device['device_id']}",
             "-H", f"Cookie: {auth.COOKIE}={cookie}"],
            capture_output=True, text=True, timeout=900, cwd=tmp_path,
        )
        assert httpx.get(f"{base}/api/v1/health").status_code == 200
    out = run.stdout + run.stderr
    print(out[-3000:])
    assert run.returncode == 0, out[-6000:]
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-4000:]
