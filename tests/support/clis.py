"""Both command lines run in-process as a test drives them: the hub's and the laptop's, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from desktop.cli import main as ep
from province import cli as hub_cli
from province.db import open_hub
from province.models import ReportVillage


def hub(url: str, capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> Any:
    """`enrollpoint-hub --db URL --json …`: its JSON answer, or (ok=False) its one refusal line (exit 2)."""
    capsys.readouterr()
    code = hub_cli.main(["--db", url, "--json", *args])
    out = capsys.readouterr()
    if ok:
        assert code == 0, out.err
        return json.loads(out.out)
    assert code == 2, out.out
    return out.err


def lap(capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> Any:
    """`enrollpoint … --json`: its JSON answer, or (ok=False) its refusal (exit 2, never a traceback)."""
    capsys.readouterr()
    code = ep([*args, "--json"])
    out = capsys.readouterr()
    if ok:
        assert code == 0, out.err + out.out
        return json.loads(out.out)
    assert code == 2, out.out + out.err
    assert "Traceback" not in out.err
    return out.err + out.out


def stored(url: str) -> list[tuple[Any, ...]]:
    """(point, day, revision, device) of every report the hub at `url` holds, sorted."""
    db = open_hub(url)
    try:
        with db.session() as s:
            return sorted(tuple(r) for r in s.execute(select(ReportVillage.point_code, ReportVillage.day,
                                                             ReportVillage.revision, ReportVillage.device_id)))
    finally:
        db.close()
