"""The dashboard in English on a real hub process (SQLite and PostgreSQL): every steering page fetched in
Vietnamese (the default) and in English (`?lang=en`, then the cookie), the English page failing on any
Vietnamese word left in it — data entered by people (commune, province, leader, laptop, village and
target-set names), the link back to Vietnamese and the Zalo/SMS message excepted — and the numbers in the
matching format (56.873/57.543 — 98,83% in Vietnamese, 56,873/57,543 — 98.83% in English)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.support import steering_seed as seed
from tests.support.hub import PASSWORD, login
from tests.support.hub_process import HubProcess
from tests.support.vietnamese import vietnamese_words


def _pages(on: str, set_id: str, device: str) -> list[str]:
    c = seed.BIG
    return [f"/?on={on}", f"/completeness?on={on}", f"/targets?on={on}", f"/targets/commune/{c}?on={on}",
            f"/rankings?on={on}&set={set_id}", f"/checks?on={on}", f"/trend?on={on}", f"/commune/{c}",
            f"/commune/{c}/points?on={on}", f"/commune/{c}/point/P1?on={on}",
            f"/commune/{c}/laptop/{device}?on={on}", f"/commune/{c}/trend?on={on}", f"/phone?on={on}",
            "/dashboard/offline"]


def vietnamese_left(page: str) -> list[str]:
    """The Vietnamese words of an English page, data and the language link left out."""
    page = re.sub(r'<textarea id="zalo".*?</textarea>', "", page, flags=re.S)
    return vietnamese_words(page, *seed.DATA_WORDS)


def _check_pair(http: httpx.Client, path: str) -> tuple[str, str]:
    sep = "&" if "?" in path else "?"
    vi, en = http.get(f"{path}{sep}lang=vi"), http.get(f"{path}{sep}lang=en")
    assert vi.status_code == 200 and en.status_code == 200, (path, vi.status_code, en.status_code)
    assert '<html lang="vi">' in vi.text and '<html lang="en">' in en.text, path
    assert 'id="lang"' in vi.text and ">English</a>" in vi.text, path  # the switch, on every page
    left = vietnamese_left(en.text)
    assert not left, f"{path}: Vietnamese words on the English page: {left[:20]}"
    return vi.text, en.text


def test_every_steering_page_in_both_languages(hub_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    seed.setup(hub_url, tmp_path)
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    with hub, httpx.Client(base_url=hub.url, timeout=30) as http:
        data = seed.seed(hub, http)
        on = data.today.isoformat()
        assert '<html lang="vi">' in http.get("/login").text  # Vietnamese first
        vi_login, en_login = _check_pair(http, "/login")
        assert "Đăng nhập" in vi_login and "Sign in" in en_login
        assert login(http).status_code == 303
        pages = {p: _check_pair(http, p) for p in _pages(on, "1", data.laptops["big1"].device_id)}
        # the cookie keeps the choice: a page without ?lang= answers in English after one ?lang=en
        http.get("/?lang=en")
        assert '<html lang="en">' in http.get(f"/completeness?on={on}").text
        assert '<html lang="vi">' in http.get(f"/completeness?on={on}&lang=vi").text
        assert '<html lang="vi">' in http.get(f"/completeness?on={on}").text
        http.cookies.clear()
        assert login(http, "lanh.dao").status_code == 303
        vi_mine, en_mine = _check_pair(http, f"/mine?on={on}")
        # a refusal page speaks the page's language too (a leader opening the province's target sets)
        refused = http.get(f"/targets?on={on}&lang=en")
        assert refused.status_code == 403 and "Outside this account" in refused.text, refused.text[:500]
        assert not vietnamese_left(refused.text), vietnamese_left(refused.text)

    vi_targets, en_targets = pages[f"/targets?on={on}"]
    assert "56.873/57.543 — 98,83%" in vi_targets, vi_targets[:2000]
    assert "56,873/57,543 — 98.83%" in en_targets and "56.873" not in en_targets
    vi_table, en_table = pages[f"/?on={on}"]
    assert "Tiến độ thu nhận hồ sơ định danh" in vi_table and "Identification enrolment progress" in en_table
    assert ">56.873<" in vi_table.replace(" (tạm)", "") or "56.873" in vi_table
    assert "56,873" in en_table and "ID card applications" in en_table
    # the day code of the small commune: "tạm" / "provisional"
    assert "(tạm)" in vi_table and "(provisional)" in en_table
    assert seed.LEADER in en_mine and "My localities" in en_mine and "Địa bàn của tôi" in vi_mine
    # the phone page: English words, the Zalo message as the Vietnamese readers get it
    vi_phone, en_phone = pages[f"/phone?on={on}"]
    zalo = re.compile(r'<textarea id="zalo"[^>]*>(.*?)</textarea>', re.S)
    assert zalo.search(vi_phone).group(1) == zalo.search(en_phone).group(1)  # type: ignore[union-attr]
    assert "Project 06 progress" in en_phone
