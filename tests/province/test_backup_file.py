"""`enrollpoint-hub backup` / `restore` in-process on SQLite and PostgreSQL: the file protects the secrets and
is 0600; restore refuses a non-empty hub, a wrong passphrase and a changed or cut-off file with words and
changes nothing; a restored hub holds the same rows (secrets, devices, reports, accounts)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from province.db import HubDB, open_hub
from province.models import AuditEntry, Device, HubSetting, HubUser
from tests.support.clis import hub, stored
from tests.support.hub import PG_ENV, Laptop, add_user, fresh_pg_database, post

PASS = "mật khẩu sao lưu dài"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", PASS)


def _with_work(hub_db: HubDB, client, laptop: Laptop) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2026, 11, 20)
    assert post(client, laptop, laptop.batch(laptop.report(day, 1, point="TRUSO", card_captured=3))).status_code == 200
    add_user(hub_db, "quan.tri", "admin")


def _secrets(db: HubDB) -> dict[str, str]:
    with db.session() as s:
        return {r.key: r.value for r in s.scalars(select(HubSetting))}


def _other_url(tmp_path: Path, hub_url: str):  # type: ignore[no-untyped-def]
    if hub_url.startswith("sqlite"):
        from contextlib import nullcontext

        return nullcontext(f"sqlite:///{tmp_path / 'restored.db'}")
    return fresh_pg_database(os.environ[PG_ENV])


def test_backup_is_0600_encrypted_and_restores_the_same_hub(tmp_path, hub_url, hub_db, client, laptop, capsys):
    _with_work(hub_db, client, laptop)
    out = tmp_path / "hub.bak"
    data = hub(hub_url, capsys, "backup", str(out))
    assert data["rows"]["devices"] == 1 and data["rows"]["report_villages"] == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_bytes()
    for secret in _secrets(hub_db).values():
        assert secret.encode() not in raw  # session secret and signing key: never in clear
    assert b"quan.tri" not in raw and laptop.device_id.encode() not in raw
    with _other_url(tmp_path, hub_url) as url:
        hub(url, capsys, "restore", str(out))
        again = open_hub(url)
        try:
            assert _secrets(again) == _secrets(hub_db)
            with again.session() as s, hub_db.session() as t:
                assert [(d.id, d.token_hash, d.public_key) for d in s.scalars(select(Device))] == \
                    [(d.id, d.token_hash, d.public_key) for d in t.scalars(select(Device))]
                assert [u.password_hash for u in s.scalars(select(HubUser))] == \
                    [u.password_hash for u in t.scalars(select(HubUser))]
                restore = s.scalars(select(AuditEntry).where(AuditEntry.action == "hub.restore")).one()
                assert restore.actor.startswith("admin (os: ")
        finally:
            again.close()
        assert stored(url) == stored(hub_url)
        # A second restore onto the now non-empty hub is refused without --force.
        err = hub(url, capsys, "--lang", "en", "restore", str(out), ok=False)
        assert "not empty" in err and "--force" in err
        hub(url, capsys, "restore", str(out), "--force")
        assert stored(url) == stored(hub_url)


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "passphrase"])
def test_a_damaged_backup_or_wrong_passphrase_is_refused_and_nothing_changes(tmp_path, hub_url, hub_db, client,
                                                                               laptop, capsys, monkeypatch, damage):
    _with_work(hub_db, client, laptop)
    out = tmp_path / "hub.bak"
    hub(hub_url, capsys, "backup", str(out))
    raw = bytearray(out.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x01
    elif damage == "truncate":
        del raw[-40:]
    elif damage == "append":
        raw += b"\x00" * 8
    else:
        monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", "another passphrase")
    out.write_bytes(bytes(raw))
    before = stored(hub_url)
    err = hub(hub_url, capsys, "restore", str(out), "--force", ok=False)
    assert "Không thay đổi gì" in err and "Traceback" not in err
    assert stored(hub_url) == before and _secrets(hub_db)


def test_backup_refuses_a_short_passphrase_and_an_existing_file(tmp_path, hub_url, hub_db, capsys, monkeypatch):
    monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", "short")
    assert "12" in hub(hub_url, capsys, "backup", str(tmp_path / "a.bak"), ok=False)
    monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", PASS)
    (tmp_path / "b.bak").write_text("keep me")
    assert "đã có" in hub(hub_url, capsys, "backup", str(tmp_path / "b.bak"), ok=False)
    assert (tmp_path / "b.bak").read_text() == "keep me"


def test_passphrase_from_a_file_descriptor(tmp_path, hub_url, hub_db, capsys, monkeypatch):
    monkeypatch.delenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE")
    r, w = os.pipe()
    os.write(w, (PASS + "\n").encode())
    os.close(w)
    try:
        hub(hub_url, capsys, "backup", str(tmp_path / "fd.bak"), "--passphrase-fd", str(r))
    finally:
        os.close(r)
    monkeypatch.setenv("ENROLLPOINT_HUB_BACKUP_PASSPHRASE", PASS)
    with _other_url(tmp_path, hub_url) as url:
        hub(url, capsys, "restore", str(tmp_path / "fd.bak"))


def test_a_sqlite_hub_moves_to_postgresql_through_a_backup(tmp_path, capsys):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from province.app import create_app
    from tests.support.hub import enrol_http, setup_commune

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV}")
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    db = open_hub(url)
    try:
        with TestClient(create_app(db=db)) as client:
            laptop = enrol_http(client, setup_commune(db))
            _with_work(db, client, laptop)
        hub(url, capsys, "backup", str(tmp_path / "move.bak"))
        with fresh_pg_database(base) as pg:
            hub(pg, capsys, "restore", str(tmp_path / "move.bak"))
            assert stored(pg) == stored(url)
            again = open_hub(pg)
            try:
                assert _secrets(again) == _secrets(db)
                with TestClient(create_app(db=again)) as client:  # the laptop's token works on the new store
                    day = dt.date(2026, 11, 21)
                    r = post(client, laptop, laptop.batch(laptop.report(day, 1, point="TRUSO", card_captured=1)))
                    assert r.status_code == 200 and r.json()["imported"] == 1
            finally:
                again.close()
    finally:
        db.close()
