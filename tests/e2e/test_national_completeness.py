"""Roll-up format 2 between real hub processes on 127.0.0.1: a province hub seeded with a known day (network
on time and late, USB file, phone day code, a silent second laptop, a silent commune) forwards its
completeness by channel per commune and its targets; the national hub stores the seeded truth, its page
shows the province's completeness and x/y — z% from the forwarded targets (nothing imported on the national
hub), the drill-down each commune's, and a changed target replaces the one held. The national hub runs on
SQLite, and on PostgreSQL when EP_TEST_PG_URL is set."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from province.db import open_hub
from tests.support.hub import PG_ENV, fresh_pg_database
from tests.support.hub_process import HubProcess
from tests.support.national import NATIONAL, run_cli
from tests.support.national_seed import (
    BY_USB,
    CODE_ONLY,
    FIGURES,
    LATE_NET,
    NAMES,
    ON_TIME_NET,
    PROVINCE,
    SILENT,
    TRUTH,
    seed,
)

PASSWORD = "mat-khau-dai-du-12"


@contextlib.contextmanager
def _national_url(backend: str, tmp: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip("PostgreSQL: set EP_TEST_PG_URL (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        yield url


def _held(url: str, day: str) -> dict[str, tuple[dict[str, object], dict[str, int]]]:
    """commune → (completeness, values) the national hub holds for the day."""
    db = open_hub(url)
    try:
        with db.session() as s:
            return {c: (json.loads(comp), json.loads(vals)) for c, comp, vals in s.execute(text(
                "SELECT commune_code, completeness_json, values_json FROM national_commune_days WHERE day = :d"),
                {"d": day}) if comp is not None}
    finally:
        db.close()


def _web(national: HubProcess) -> requests.Session:
    add = run_cli(national, "user", "add", "quoc.gia", "--role", "viewer", env={"ENROLLPOINT_HUB_PASSWORD": PASSWORD})
    assert add.returncode == 0, add.stderr
    link = re.search(r"http://\S+", run_cli(national, "user", "login-link", "quoc.gia", "--base-url",
                                            national.url).stdout)
    assert link
    web = requests.Session()
    assert web.get(link.group(0), timeout=30).status_code == 200
    return web


def _send(province: HubProcess) -> dict[str, int]:
    out = run_cli(province, "--json", "national", "send")
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_completeness_and_targets_reach_the_national_page(tmp_path: Path, backend: str) -> None:
    (tmp_path / "n").mkdir()
    (tmp_path / "p").mkdir()
    with _national_url(backend, tmp_path) as pg:
        national = HubProcess(tmp_path / "n", db_url=pg, commune=None, env=NATIONAL)
        assert run_cli(national, "init").returncode == 0
        seeded = seed(tmp_path / "p")
        province = seeded.hub
        with national, province:
            for commune, value in ((ON_TIME_NET, 100), (LATE_NET, 50)):
                assert run_cli(province, "target", "set", commune, "card_captured", str(value)).returncode == 0
            code = json.loads(run_cli(national, "--json", "national", "enrol-code", PROVINCE).stdout)["code"]
            out = run_cli(province, "national", "connect", "--url", national.url, "--code", code, "--province",
                          PROVINCE)
            assert out.returncode == 0, out.stderr
            assert _send(province)["batches"] >= 1

            day = seeded.day.isoformat()
            held = _held(national.url_db, day)
            assert {c: comp for c, (comp, _) in held.items()} == TRUTH  # every commune of the day, once
            assert {c: vals.get("card_captured") for c, (_, vals) in held.items()} == {
                **FIGURES, SILENT: None}  # the silent commune: completeness only, no figures

            web = _web(national)
            page = web.get(f"{national.url}/national?ngay={day}", timeout=30)
            assert page.status_code == 200, page.text
            # 3 communes on time (network, USB, day code), 1 late, 1 silent; 6 laptops, 2 of them missing
            assert "3 đúng hạn, 1 trễ, 1 chưa báo cáo / 5 xã" in page.text
            assert "máy: 6 — đúng hạn: mạng 1, tệp USB 1, mã ngày (tạm) 1; trễ: mạng 1; chưa báo cáo: 2" in page.text
            assert "20/150 — 13,3%" in page.text  # 10 + 2 + 3 + 5 of the targets forwarded (100 + 50)
            drill = web.get(f"{national.url}/national/{PROVINCE}?ngay={day}", timeout=30).text
            rows = {c: re.search(rf"<td>{c}</td>.*?</tr>", drill, re.S) for c in NAMES}
            assert all(rows.values()), drill
            cells = {c: m.group(0) for c, m in rows.items() if m}
            assert "2 máy — đúng hạn: mạng 1; trễ: 0; chưa báo cáo: 1" in cells[ON_TIME_NET]
            assert "1 máy — đúng hạn: 0; trễ: mạng 1; chưa báo cáo: 0" in cells[LATE_NET]
            assert "1 máy — đúng hạn: tệp USB 1; trễ: 0; chưa báo cáo: 0" in cells[BY_USB]
            assert "1 máy — đúng hạn: mã ngày (tạm) 1; trễ: 0; chưa báo cáo: 0" in cells[CODE_ONLY]
            assert "1 máy — đúng hạn: 0; trễ: 0; chưa báo cáo: 1" in cells[SILENT] and "chưa có" in cells[SILENT]

            # A target changed on the province hub: the next send carries the whole set, replacing it.
            assert run_cli(province, "target", "set", LATE_NET, "card_captured", "250").returncode == 0
            assert _send(province) == {"batches": 1, "rows": 0, "stored": 0, "duplicates": 0}
            assert "20/350 — 5,7%" in web.get(f"{national.url}/national?ngay={day}", timeout=30).text
            assert _send(province)["batches"] == 0  # nothing changed: nothing sent
