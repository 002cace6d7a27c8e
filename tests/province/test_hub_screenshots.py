"""The steering committee's pages in headless Chromium (driven over its DevTools pipe) on a real hub
process, at a phone viewport (390×844) and a desktop one (1366×900), in Vietnamese and English: each page
renders with the seeded figures in its DOM (56.873/57.543 — 98,83% in Vietnamese, 56,873/57,543 — 98.83% in
English) and, at phone width, nothing runs off the side of the page (wide tables scroll inside themselves).
With EP_UPDATE_SCREENSHOTS=1 the screenshots are written to docs/screenshots/hub-*.png (docs/hub.md shows
them); otherwise to the test's temporary directory."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
import pytest

from tests.support import steering_seed as seed
from tests.support.cdp_pipe import Browser
from tests.support.hub import PASSWORD
from tests.support.hub_process import HubProcess

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE, DESKTOP = (390, 844, True), (1366, 900, False)


def _views(on: str) -> list[tuple[str, str, tuple[str, str], str]]:
    """(name, path, (Vietnamese, English) words the DOM must hold, which viewports are kept as pictures)."""
    big = seed.BIG
    return [
        ("table", f"/?on={on}", ("56.873", "56,873"), "both"),
        ("targets", f"/targets?on={on}", ("56.873/57.543 — 98,83%", "56,873/57,543 — 98.83%"), "both"),
        ("rankings", f"/rankings?on={on}&set=1", ("56.873/57.543 — 98,83%", "56,873/57,543 — 98.83%"), "both"),
        ("completeness", f"/completeness?on={on}", ("Đúng hạn", "On time"), "phone"),
        ("checks", f"/checks?on={on}", ("Cần kiểm tra", "To check"), "desktop"),
        ("trend", f"/trend?on={on}", ('id="trend-card_captured"', 'id="trend-card_captured"'), "both"),
        ("points", f"/commune/{big}/points?on={on}", (seed.VILLAGES[0], seed.VILLAGES[0]), "phone"),
        ("phone", f"/phone?on={on}", ("Tiến độ Đề án 06", "Project 06 progress"), "phone"),
    ]


def _link(hub: HubProcess, user: str, next_path: str = "/") -> str:
    out = json.loads(hub.cli("--json", "user", "login-link", user, "--base-url", hub.url))
    return f"{out['url']}?next={httpx.QueryParams({'n': next_path})['n']}"


def test_steering_pages_in_headless_chromium(hub_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    keep = DOCS if os.environ.get("EP_UPDATE_SCREENSHOTS") == "1" else tmp_path
    seed.setup(hub_url, tmp_path)
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    problems: list[str] = []
    with hub, httpx.Client(base_url=hub.url, timeout=30) as http:
        on = seed.seed(hub, http).today.isoformat()
        with Browser(chromium, tmp_path / "chromium") as b:
            b.open(_link(hub, "quan.tri"), *DESKTOP)
            for name, path, words, pictures in _views(on):
                for lang, want in zip(("vi", "en"), words, strict=True):
                    for size, (w, h, mobile) in (("phone", PHONE), ("desktop", DESKTOP)):
                        b.open(f"{hub.url}{path}&lang={lang}", w, h, mobile)
                        dom = b.value("document.documentElement.outerHTML") or ""
                        if want not in dom or f'<html lang="{lang}">' not in dom:
                            problems.append(f"{name} {lang} {size}: {want!r} not in the page")
                        wide = b.value("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                        if size == "phone" and wide > 1:
                            problems.append(f"{name} {lang} phone: the page is {wide} px wider than the screen")
                        if lang == "vi" and pictures in ("both", size) or (lang == "en" and name == "table"):
                            b.screenshot(keep / f"hub-{name}{'-en' if lang == 'en' else ''}-{size}.png")
            # a leader opens on "my localities"
            b.open(_link(hub, "lanh.dao", "/mine?lang=vi"), *PHONE)
            dom = b.value("document.documentElement.outerHTML") or ""
            if seed.LEADER not in dom or "Địa bàn của tôi" not in dom:
                problems.append("mine: the leader's page did not open")
            if b.value("document.documentElement.scrollWidth - document.documentElement.clientWidth") > 1:
                problems.append("mine phone: wider than the screen")
            b.screenshot(keep / "hub-mine-phone.png")
    assert not problems, problems
    assert (keep / "hub-targets-desktop.png").stat().st_size > 10_000
