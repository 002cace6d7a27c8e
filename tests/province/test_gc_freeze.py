"""A serving hub process moves its start-up objects out of the collector's full passes (province/app.py; `serve`
sets `freeze_gc`, and exports it for its workers); an app built anywhere else (tests, tools) leaves the
collector as it is."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from province.app import create_app
from province.settings import HubSettings


@pytest.mark.parametrize("serving", [False, True])
def test_start_up_objects_frozen_only_when_serving(tmp_path: Path, serving: bool) -> None:
    gc.unfreeze()
    settings = HubSettings(freeze_gc=serving)
    try:
        with TestClient(create_app(f"sqlite:///{tmp_path / 'hub.db'}", settings=settings)) as client:
            assert client.get("/api/v1/health").status_code == 200
            frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert (frozen > 10_000) is serving, frozen
