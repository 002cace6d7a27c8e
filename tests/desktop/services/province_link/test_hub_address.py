"""No plain-http hub except on this computer, refused before the one-time code is spent."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.errors import ValidationError
from desktop.services.province_link import hub_link
from desktop.storage.db import open_database
from sync.client import insecure_hub_url
from sync.protocol import EnrolResponse


class CountingHub:
    def __init__(self) -> None:
        self.enrolled = 0

    def enrol(self, code: str, device_name: str, public_key: str) -> EnrolResponse:
        self.enrolled += 1
        return EnrolResponse("dev-1", "tok-" + "x" * 40, "22366", "Phường Nha Trang", "56", "")

    def close(self) -> None:
        pass


@pytest.mark.parametrize("url", ["https://hub.tinh.gov.vn", "https://10.0.0.5:8443/x", "http://127.0.0.1:8765",
                                 "http://127.8.9.1", "http://localhost:8000", "http://[::1]:8765"])
def test_secure_or_loopback_addresses_are_accepted(url: str) -> None:
    assert insecure_hub_url(url) is None


@pytest.mark.parametrize("url", ["http://hub.tinh.gov.vn", "http://10.0.0.5:8765", "http://192.168.1.2",
                                 "ftp://hub", "https://", "hub.tinh.gov.vn", "http://127.0.0.1.evil.example"])
def test_plain_or_malformed_addresses_are_refused(url: str) -> None:
    assert insecure_hub_url(url)


def test_connect_refuses_plain_http_before_asking_the_hub(tmp_path: Path) -> None:
    db = open_database(tmp_path / "enrollpoint.db")
    hub = CountingHub()
    try:
        with pytest.raises(ValidationError) as err:
            hub_link.connect(db, "http://hub.tinh.gov.vn", "ABCD-1234", client=hub)  # type: ignore[arg-type]
        assert err.value.field == "hub" and "https://" in err.value.reason
        assert hub.enrolled == 0
        info = hub_link.connect(db, "http://127.0.0.1:9", "ABCD-1234", client=hub)  # type: ignore[arg-type]
        assert info["device_id"] == "dev-1" and hub.enrolled == 1
    finally:
        db.close()
