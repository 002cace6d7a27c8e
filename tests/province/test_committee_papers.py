"""The committee's papers (PDF, XLSX) and the phone page on a real hub process: every figure read back equals
the seeded truth and the province table's screen; Vietnamese comes out of the PDF intact (NFC)."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import html as html_lib
import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from province import auth
from province.db import open_hub
from tests.support.committee import CODES, NAMES, TARGET, seed, vn
from tests.support.hub import add_user, hub_process, login
from tests.support.hub_process import hub_cli
from tests.support.print_pages import flat_text, page_texts, render_png

pytestmark = pytest.mark.slow
DAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def _pct(have: int, target: int) -> str:
    return f"{100 * have / target:.2f}%".replace(".", ",")


def _truth_lines(truth):
    have = sum(truth.cumul.values())
    target = TARGET * len(CODES)
    return f"{vn(have)}/{vn(target)} — {_pct(have, target)}"


@pytest.fixture
def hub(hub_url, tmp_path):
    db = open_hub(hub_url)
    add_user(db, "xem", "viewer")
    with hub_process(hub_url, tmp_path / "hub.log") as base, httpx.Client(base_url=base, timeout=60) as http:
        truth = seed(db, http, DAY)
        assert login(http, "xem").status_code == 303
        yield http, truth, db, base, hub_url
    db.close()


def test_papers_carry_the_screen_figures(hub):
    http, truth, _db, _base, _url = hub
    screen = http.get(f"/?on={DAY.isoformat()}&province=56").text
    assert 'href="/report/weekly.pdf?' in screen and 'href="/phone?' in screen
    for code, have in truth.cumul.items():  # the table shows each commune's cumulative figure
        assert f">{vn(have)}<" in screen, code
    met = sum(1 for v in truth.cumul.values() if v >= TARGET)
    for kind in ("daily", "weekly", "fortnight"):
        r = http.get(f"/report/{kind}.pdf?on={DAY.isoformat()}&province=56")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = flat_text(r.content)
        assert text == unicodedata.normalize("NFC", text)
        for words in ("CÔNG AN TỈNH KHÁNH HÒA", "PHÒNG CẢNH SÁT QLHC VỀ TTXH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Độc lập - Tự do - Hạnh phúc", "/BC-PC06", f"Khánh Hòa, ngày {DAY.day:02d}" if DAY.day < 10
                      else f"Khánh Hòa, ngày {DAY.day}", "Kính gửi:", "Nơi nhận:", "TRƯỞNG PHÒNG",
                      f"tính đến 16 giờ 30 ngày {DAY:%d/%m/%Y}"):
            assert words in text, (kind, words)
        assert _truth_lines(truth) in text
        assert f"đạt mọi chỉ tiêu: {met}; chưa đạt: {len(CODES) - met}." in text
        pages = page_texts(r.content)
        assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]
        # bottom 10: every commune but the two highest (the first met its target; the twelfth has the most of the rest)
        for i in range(1, 11):
            assert NAMES[i] in text, (kind, NAMES[i])
        for code in truth.silent:
            assert NAMES[CODES.index(code)] in text
        for code, have in truth.cumul.items():  # the bottom 10's figures, as the screen printed them
            if code != CODES[0] and code != CODES[11]:
                assert f"{vn(have)}/{vn(TARGET)} — {_pct(have, TARGET)}" in text, (kind, code)
        if kind != "daily":
            since = DAY - dt.timedelta(days=7 if kind == "weekly" else 15)
            assert f"không tiến triển từ ngày {since:%d/%m/%Y}: 1. Phường Ninh Hòa." in text
            if kind == "weekly":  # the second commune: 187 a day, 1.870 of 10.000, deadline in 30 days
                eta = DAY + dt.timedelta(days=-(-(TARGET - 1870) // 187))
                assert f"dự kiến trễ hạn: đạt {eta:%d/%m/%Y} (187/ngày)" in text
        if kind == "weekly" and shutil.which("pdftoppm"):  # the first page, for docs/hub.md
            png = render_png(r.content, dpi=60)
            shutil.copyfile(png, Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "report-weekly.png")
    assert "Kính gửi: Đồng chí Chủ tịch UBND tỉnh" in flat_text(
        http.get(f"/report/fortnight.pdf?on={DAY.isoformat()}&province=56").content)
    x = http.get(f"/report/weekly.xlsx?on={DAY.isoformat()}&province=56")
    ws = load_workbook(io.BytesIO(x.content)).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "CÔNG AN TỈNH KHÁNH HÒA" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert any(_truth_lines(truth) in c for c in cells)
    assert "=Xã Thử" in cells  # data, not a formula
    assert http.get("/report/monthly.pdf").status_code == 404


def test_phone_page_is_small_and_the_text_fits(hub):
    http, truth, _db, _base, _url = hub
    r = http.get(f"/phone?on={DAY.isoformat()}&province=56", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.num_bytes_downloaded < 60 * 1024
    html = r.text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)  # one inline script, the copy button
    assert len(scripts) == 1 and "<script src" not in html
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in r.headers["content-security-policy"]
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert "script-src" not in http.get("/").headers["content-security-policy"]  # no other page runs script
    assert "Xã Trường Sơn &lt;b&gt;&amp;" in html and "<b>&" not in html  # a name is text, never markup
    box = re.search(r'<textarea id="zalo"[^>]*>(.*?)</textarea>', html, re.S)
    assert box is not None
    text = html_lib.unescape(box.group(1))
    assert len(text) <= 1000
    assert _truth_lines(truth) in text
    assert all(NAMES[CODES.index(c)].lstrip("=") in text for c in truth.silent)
    assert len(gzip.compress(r.content)) < 60 * 1024


def test_phone_page_in_headless_chromium_at_a_phone_viewport(hub, tmp_path):
    """Chromium (390×844, a common phone) signs in with a one-time link and loads the phone page; its network
    log shows no request beyond the hub; the screenshot goes to docs/screenshots/."""
    http, truth, db, base, _url = hub
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    shot = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "phone.png"
    netlog = tmp_path / "net.json"
    browser = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=390,844",
               "--hide-scrollbars"]

    def link() -> str:  # single-use: one per browser run
        with db.session(write=True) as s:
            token, _ = auth.create_login_link(s, "xem")
        return f"{base}/login/link/{token}?next=/phone%3Fon%3D{DAY.isoformat()}%26province%3D56"

    out = subprocess.run([*browser, f"--screenshot={shot}", f"--log-net-log={netlog}", link()],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5000, out.stderr[-2000:]
    dom = subprocess.run([*browser, "--dump-dom", link()], capture_output=True, text=True, timeout=120).stdout
    assert '<textarea id="zalo"' in dom
    assert '<button type="button" id="copy">' in dom  # the script ran (CSP allowed it) and showed the button
    log = json.loads(netlog.read_text(errors="replace"))
    starts = [e["params"] for e in log["events"] if "url" in e.get("params", {}) and "initiator" in e["params"]]
    from_page = {p["url"] for p in starts if p["initiator"].startswith(base)}
    assert from_page, "the page made no request the log could see"
    assert all(u.startswith(base) for u in from_page), sorted(from_page)
    assert any("/phone" in u for u in {p["url"] for p in starts}), sorted(p["url"] for p in starts)[:10]


def test_an_indicator_without_targets_shows_its_count(hub):
    http, truth, _db, _base, _url = hub
    text = flat_text(http.get(f"/report/daily.pdf?on={DAY.isoformat()}&province=56").content)
    assert f"Hồ sơ VNeID mức 2: {vn(truth.vneid)} (trong ngày:" in text


def test_papers_need_a_session_and_a_sane_day(hub):
    http, _truth, _db, base, _url = hub
    with httpx.Client(base_url=base, timeout=30) as anon:
        for path in ("/report/daily.pdf", "/report/weekly.xlsx", "/phone"):
            r = anon.get(path, follow_redirects=False)
            assert r.status_code in (303, 401), (path, r.status_code)
            assert b"%PDF" not in r.content and "Chưa báo cáo" not in r.text
    assert http.get("/report/daily.pdf?on=2019-01-01").status_code == 422
    assert http.get("/phone?on=not-a-day").status_code == 422


def test_the_heading_is_set_with_the_cli(hub):
    """`enrollpoint-hub report-setup` (a real CLI process) changes what the next paper prints; a value too long
    is refused with words and exit 2, nothing stored."""
    http, _truth, _db, _base, url = hub
    hub_cli(url, "report-setup", "--signer", "Đại tá Nguyễn Văn Ánh", "--unit-abbr", "PC06-QLHC",
            "--place", "Nha Trang")
    text = flat_text(http.get(f"/report/daily.pdf?on={DAY.isoformat()}&province=56").content)
    assert "Đại tá Nguyễn Văn Ánh" in text and "/BC-PC06-QLHC" in text and "Nha Trang, ngày" in text
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", url, "report-setup", "--signer", "x" * 201],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "tối đa 200 ký tự" in out.stderr and "Traceback" not in out.stderr
    assert "Đại tá Nguyễn Văn Ánh" in hub_cli(url, "report-setup")
