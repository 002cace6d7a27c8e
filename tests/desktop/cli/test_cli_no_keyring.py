"""Without a secure OS keyring (secrets only in the OS keyring): `connect` refuses keyring's plaintext fallback
as the database key does, and `backup --to` says loudly that the copy on the USB stick is not encrypted."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from desktop.cli import main
from desktop.errors import ServiceError
from desktop.services.province_link import hub_link
from desktop.storage import backup
from desktop.storage.db import open_database
from sync.protocol import EnrolResponse


class FakeHub:
    """Records whether the hub was asked (it must not be: the one-time code would be spent for nothing)."""

    def __init__(self) -> None:
        self.enrolled = 0

    def enrol(self, code: str, device_name: str, public_key: str) -> EnrolResponse:
        self.enrolled += 1
        return EnrolResponse("dev-1", "tok-" + "x" * 40, "22366", "Phường Nha Trang", "56", "")

    def close(self) -> None:
        pass


@pytest.fixture
def default_plaintext_keyring(monkeypatch: pytest.MonkeyPatch):
    """What keyring picks by itself on Linux without Secret Service: keyrings.alt's plaintext file."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield
    keyring.set_keyring(previous)


def test_connect_refuses_the_plaintext_fallback(tmp_path: Path, default_plaintext_keyring) -> None:
    db = open_database(tmp_path / "enrollpoint.db")
    hub = FakeHub()
    try:
        with pytest.raises(ServiceError) as e:
            hub_link.connect(db, "https://hub.example", "ABCD-1234", client=hub)  # type: ignore[arg-type]
        assert e.value.message == hub_link.MSG_NO_SECURE_KEYRING and "kho khóa bảo mật" in e.value.message
        assert hub.enrolled == 0
        assert not (Path(PlaintextKeyring().file_path)).exists() or "EnrollPoint-hub" not in Path(
            PlaintextKeyring().file_path).read_text()
        with pytest.raises(ServiceError):
            hub_link._keyring_get("22366", "token")
    finally:
        db.close()


def test_connect_refuses_the_null_keyring_even_when_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.backends.null

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    db = open_database(tmp_path / "enrollpoint.db")
    try:
        with pytest.raises(ServiceError, match="kho khóa bảo mật"):
            hub_link.connect(db, "https://hub.example", "ABCD-1234", client=FakeHub())  # type: ignore[arg-type]
    finally:
        db.close()
        keyring.set_keyring(previous)


def test_connect_works_with_an_explicitly_chosen_keyring(tmp_path: Path) -> None:
    """The test suite's PYTHON_KEYRING_BACKEND choice (tests/conftest.py) is an explicit one: allowed."""
    db = open_database(tmp_path / "enrollpoint.db")
    hub = FakeHub()
    try:
        info = hub_link.connect(db, "https://hub.example", "ABCD-1234", client=hub)  # type: ignore[arg-type]
        assert hub.enrolled == 1 and info["device_id"] == "dev-1"
        assert hub_link.credentials(db).token.startswith("tok-")
    finally:
        db.close()


def test_backup_to_usb_warns_when_plain(tmp_path: Path, capsys, default_plaintext_keyring) -> None:
    d = str(tmp_path / "data")
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["init", "--data-dir", d, "--commune-code", "22366"]) == 0
    capsys.readouterr()
    code = main(["backup", "--data-dir", d, "--to", str(usb), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    got = json.loads(out)
    assert got["encrypted"] is False and got["warning"] == backup.MSG_PLAIN_COPY
    assert "KHÔNG được mã hoá" in err and "USB" in err
    assert Path(got["backup"]).parent == usb
    # The daily copy inside the data folder is not a copy "taken away": no extra warning there.
    code = main(["backup", "--data-dir", d, "--json"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["warning"] is None


def test_backup_encrypted_has_no_warning(tmp_path: Path, capsys) -> None:
    d = str(tmp_path / "data")
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["init", "--data-dir", d, "--commune-code", "22366"]) == 0
    capsys.readouterr()
    assert main(["backup", "--data-dir", d, "--to", str(usb), "--json"]) == 0
    out, err = capsys.readouterr()
    got = json.loads(out)
    assert got["encrypted"] is True and got["warning"] is None and "KHÔNG được mã hoá" not in err
    db = open_database(Path(d) / "enrollpoint.db")
    try:
        res = backup.make_backup(db, usb)
        assert res.encrypted and res.warning is None and res.path.is_file()
    finally:
        db.close()
