"""Vietnam's 34 provinces and 3,321 commune-level units after 1-7-2025 (public administrative codes).

Shared by the desktop (first-run commune picker) and the hub (commune register), so it lives in the
contract package. Codes are kept as the official numbers without zero padding (Trường Sa: 56 / 22736).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class CommuneRecord:
    province_code: str
    province_name: str
    code: str
    name: str


@lru_cache(maxsize=1)
def all_communes() -> tuple[CommuneRecord, ...]:
    text = resources.files("sync").joinpath("data/communes-2025.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        CommuneRecord(r["province_code"].strip(), r["province_name"].strip(), r["commune_code"].strip(),
                      r["commune_name"].strip())
        for r in rows
    )


def by_code(code: str) -> CommuneRecord | None:
    code = str(code).strip().lstrip("0") or "0"
    for c in all_communes():
        if c.code == code:
            return c
    return None


def provinces() -> dict[str, str]:
    """Province code → name, in file order."""
    out: dict[str, str] = {}
    for c in all_communes():
        out.setdefault(c.province_code, c.province_name)
    return out
