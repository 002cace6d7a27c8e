"""The hub as a real process on 127.0.0.1: enrol, deliver, replay, concurrent duplicates, and the dashboard
loaded in headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from province import admin, auth
from province.cli import main
from province.db import open_hub
from province.models import HubSetting
from sync import protocol
from tests.support.hub import PASSWORD, Laptop, add_user, counts, enrol_http, hub_process, login

pytestmark = pytest.mark.slow


def _post(base: str, laptop: Laptop, batch: protocol.Batch) -> httpx.Response:
    body = protocol.encode_batch(batch)
    return httpx.post(f"{base}/api/v1/batches", content=protocol.gzip_body(body), headers=laptop.headers(body),
                      timeout=30)


def test_real_process_end_to_end(hub_url, tmp_path, capsys):
    assert main(["--db", hub_url, "init", "--with-communes"]) == 0
    assert main(["--db", hub_url, "target", "set", "22736", "card_captured", "100"]) == 0
    capsys.readouterr()
    assert main(["--db", hub_url, "enrol-code", "22736", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["code"]
    db = open_hub(hub_url)
    with hub_process(hub_url, tmp_path / "hub.log") as base, httpx.Client(base_url=base, timeout=30) as http:
        laptop = enrol_http(http, code)
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
        batch = laptop.batch(laptop.report(today, 1, card_captured=42, vneid_l2_captured=7),
                             laptop.report(today - dt.timedelta(days=1), 1, card_captured=30))
        first = _post(base, laptop, batch)
        assert first.status_code == 200 and first.json()["imported"] == 2
        again = _post(base, laptop, batch)
        assert again.json()["replayed"] is True

        # Two deliveries of a new batch at the same moment (a client retry racing the first attempt).
        dup = laptop.batch(laptop.report(today - dt.timedelta(days=2), 1, card_captured=5))
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: _post(base, laptop, dup), range(4)))
        assert {a.status_code for a in answers} == {200}
        assert sorted(a.json()["replayed"] for a in answers) == [False, True, True, True]
        assert len({a.json()["received_at"] for a in answers}) == 1
        assert counts(db)["batches"] == 2 and counts(db)["report_villages"] == 3

        assert http.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"}).json()[
            "targets"][0]["value"] == 100
        assert http.get("/?province=56").status_code == 303  # the dashboard needs a login
        add_user(db, "quan.tri", "viewer")
        assert login(http, "quan.tri").status_code == 303
        page = http.get("/?province=56")
        assert page.status_code == 200 and "Đặc khu Trường Sa" in page.text and "Chưa từng báo cáo" in page.text
    db.close()


def test_dashboard_in_headless_chromium(hub_url, tmp_path, capsys, monkeypatch):
    """Chromium signs in through a one-time login link (`user login-link`, the kiosk feature): the hub
    sets the session cookie and redirects to the dashboard, which Chromium loads and dumps."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    db = open_hub(hub_url)
    with db.session(write=True) as s:
        admin.add_commune(s, "22736", "Đặc khu Trường Sa", "56")
        admin.add_commune(s, "22735", "Xã Thử", "56")
        code, _ = admin.create_enrolment_code(s, "22736")
    with hub_process(hub_url, tmp_path / "hub.log") as base, httpx.Client(base_url=base, timeout=30) as http:
        laptop = enrol_http(http, code)
        _post(base, laptop, laptop.batch(laptop.report("2025-07-01", 1, card_captured=17)))
        monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
        assert main(["--db", hub_url, "user", "add", "kiosk", "--role", "viewer"]) == 0
        capsys.readouterr()
        assert main(["--db", hub_url, "user", "login-link", "kiosk", "--base-url", base, "--json"]) == 0
        link = json.loads(capsys.readouterr().out)["url"]
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom",
               f"{link}?next=/%3Fon%3D2025-07-03"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        spent = httpx.get(link, timeout=30, follow_redirects=False)
        with db.session() as s:
            secret = s.get(HubSetting, auth.SECRET_KEY).value
    db.close()
    assert spent.status_code == 403  # the link was single-use: Chromium spent it
    assert secret not in (tmp_path / "hub.log").read_text(errors="replace")
    dom = out.stdout
    assert '<table id="communes">' in dom, out.stderr[-2000:]
    assert "Tiến độ thu nhận hồ sơ định danh — ngày 03/07/2025" in dom
    assert "Chưa có dữ liệu từ 01/07/2025" in dom
    assert "Chưa từng báo cáo" in dom
    assert ">17<" in dom
    assert 'id="user"' in dom and "kiosk" in dom and 'id="upload"' not in dom  # signed in as a viewer
