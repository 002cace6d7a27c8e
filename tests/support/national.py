"""Helpers for the national-level tests: hub CLI runs with a role, laptops posting to a real hub process,
and reading back what a province and the national hub hold (SQLite files)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from sync import protocol
from tests.support.hub import Laptop, enrol_http
from tests.support.hub_process import REPO, HubProcess

NATIONAL = {"ENROLLPOINT_HUB_ROLE": "national"}


def run_cli(hub: HubProcess, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`enrollpoint-hub --db … ARGS` with the hub's role (and `env`); the caller checks the exit code."""
    full = {**os.environ, **hub.env, **(env or {})}
    return subprocess.run([sys.executable, "-m", "province.cli", "--db", hub.url_db, *args], capture_output=True,
                          text=True, timeout=90, cwd=REPO, env=full)


class Http:
    """`client.post(path, …)` against a real hub process (what tests.support.hub's helpers expect)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, path: str, **kw: Any) -> requests.Response:
        return requests.post(self.base + path, timeout=30, **kw)


def enrol_laptop(hub: HubProcess, commune: str) -> Laptop:
    code = json.loads(run_cli(hub, "--json", "enrol-code", commune).stdout)["code"]
    return enrol_http(Http(hub.url), code)


def report(hub: HubProcess, laptop: Laptop, day: str, revision: int = 1, **counts: int) -> None:
    body = protocol.encode_batch(laptop.batch(laptop.report(day, revision, **counts)))
    answer = requests.post(hub.url + "/api/v1/batches", data=protocol.gzip_body(body),
                           headers=laptop.headers(body), timeout=30)
    assert answer.status_code == 200, answer.text


def province_sums(db_file: Path, key: str = "card_captured") -> dict[tuple[str, str], int]:
    """(commune, day) → the province hub's figure (summed over points and laptops)."""
    with sqlite3.connect(db_file) as c:
        return {(code, str(day)): int(v) for code, day, v in c.execute(
            f"SELECT commune_code, day, SUM({key}) FROM report_villages GROUP BY commune_code, day")}  # noqa: S608


def national_rows(db_file: Path, key: str = "card_captured") -> dict[tuple[str, str], tuple[str, int, int]]:
    """(commune, day) → (province, revision, figure) as the national hub stored them: the days with figures
    (a completeness-only row, of a commune that sent nothing that day, has values {})."""
    with sqlite3.connect(db_file) as c:
        return {(code, str(day)): (prov, rev, int(json.loads(values).get(key, 0))) for code, day, prov, rev, values in
                c.execute("SELECT commune_code, day, province_code, revision, values_json FROM national_commune_days "
                          "WHERE values_json != '{}'")}


def today_minus(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def enrol_province(client: Any, db: Any, province: str) -> tuple[str, str, str]:
    """Enrol `province` at an in-process national app with a fresh one-time code: (its private key, its public
    key, the code)."""
    from province.national.intake import create_code
    from sync import signing

    with db.session(write=True) as s:
        code = create_code(s, province)[0]
    private, public = signing.generate_keypair()
    r = client.post("/api/v1/national/enrol", json={"province": province, "code": code, "hub_public_key": public})
    assert r.status_code == 200, r.text
    return private, public, code
