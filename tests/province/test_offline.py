"""An island commune that never touches the network, on SQLite and PostgreSQL hubs: enrol by
files, close 60 days, carry a bundle, bring back a receipt; a lost stick; day codes read over the phone; bad
files refused with nothing changed. The laptop is the real CLI on a real database file; the hub is the real
`enrollpoint-hub` CLI on a fresh database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import config, paths
from desktop.cli import main as ep
from desktop.models import Citizen, OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link
from desktop.services.register.statuses import record_event
from desktop.settings_keys import KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY, KEY_HUB_URL, KEY_LAST_SUCCESS
from desktop.storage.db import Database, open_database
from province import admin
from province import cli as hub_cli
from province.db import open_hub
from province.models import Device, EnrolmentCode, PhoneReport
from sync import daycode, offline, signing
from tests.support.clis import hub, lap, stored

COMMUNE = "22736"
D0 = dt.date(2025, 6, 1)




def laptop_db() -> Database:
    return open_database(paths.db_path())  # the file the CLI opens


def setup_hub(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    hub(url, capsys, "init")
    hub(url, capsys, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    hub(url, capsys, "commune", "add", "99999", "Xã khác", "--province", "56")
    hub(url, capsys, "target", "set", COMMUNE, "card_captured", "1200", "--deadline", "2025-12-31")


def enrol_by_files(url: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The whole file enrolment; returns the device id."""
    db = laptop_db()
    with db.session() as s:
        s.add(Point(code="P1", name="Điểm 1"))
    db.close()
    code = hub(url, capsys, "enrol-code", COMMUNE)["code"]
    req = tmp / "usb" / "yeu-cau.json"
    lap(capsys, "connect", "--code", code, "--request-file", str(req), "--commune", COMMUNE)
    text = req.read_text()
    assert offline.code_key(code) not in text.replace("-", "") and code not in text  # never the code
    resp = tmp / "usb" / "tra-loi.json"
    info = hub(url, capsys, "enrol-file", str(req), "--out", str(resp))
    assert "đã được dùng" in hub(url, capsys, "enrol-file", str(req), "--out", str(tmp / "again.json"), ok=False)
    assert not (tmp / "again.json").exists()  # a reused code: refused, nothing written
    done = lap(capsys, "connect", "--response-file", str(resp))
    assert done["device_id"] == info["device_id"] and done["targets"] == "1"
    return str(info["device_id"])


def close_days(first: int, last: int) -> None:
    db = laptop_db()
    try:
        with db.session() as s:
            point = s.scalar(select(Point).where(Point.code == "P1"))
            n = s.query(Citizen).count()
            for i in range(first, last + 1):
                day = D0 + dt.timedelta(days=i)
                if i % 3 == 0:
                    n += 1
                    now = dt.datetime(2025, 1, 1)
                    c = Citizen(id_number=f"0561960{n:05d}", full_name=f"Công dân {n}", name_key=f"cong dan {n}",
                                given_key=str(n), sort_given=str(n), sort_family=str(n), village="Thôn Đông",
                                village_key="thon dong", created_at=now, updated_at=now)
                    s.add(c)
                    s.flush()
                    record_event(s, c, "card_captured", at=dt.datetime.combine(day, dt.time(10)), point=point)
                dayclose.close_day(s, day, "P1", now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
    finally:
        db.close()


def outbox_snapshot() -> list[tuple]:
    db = laptop_db()
    try:
        with db.session() as s:
            rows = [(i.id, i.sent_at, i.confirmed_via, i.exported_at, i.last_error, i.batch_id)
                    for i in s.scalars(select(OutboxItem).order_by(OutboxItem.id))]
            settings = {k: config.get(s, k) for k in (KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY,
                                                      KEY_LAST_SUCCESS, KEY_HUB_URL)}
        return [*rows, tuple(sorted(settings.items()))]
    finally:
        db.close()



def test_island_laptop_never_online(hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    device = enrol_by_files(hub_url, tmp_path, capsys)
    close_days(0, 59)
    b1 = tmp_path / "usb" / "dot-1.epb"
    assert lap(capsys, "sync", "--bundle", str(b1))["reports"] == 60
    st = lap(capsys, "sync-status")
    assert st["waiting"] == 60 and st["exported"] == 60

    r1 = tmp_path / "usb" / "bien-nhan-1.json"
    res = hub(hub_url, capsys, "import-bundle", str(b1), "--receipt", str(r1))
    assert sum(b["imported"] for b in res["batches"]) == 60
    rows = stored(hub_url)
    assert len(rows) == 60 and {r[3] for r in rows} == {device}

    got = lap(capsys, "sync", "--receipt", str(r1))
    assert got["confirmed"] == 60 and got["conflicts"] == 0
    st = lap(capsys, "sync-status")
    assert st["waiting"] == 0 and st["exported"] == 0
    # the next bundle is empty of confirmed days: nothing to write, then only the new day
    assert "Không có báo cáo" in lap(capsys, "sync", "--bundle", str(tmp_path / "usb" / "dot-2.epb"), ok=False)
    close_days(60, 60)
    assert lap(capsys, "sync", "--bundle", str(tmp_path / "usb" / "dot-2.epb"))["reports"] == 1
    # the same receipt again: nothing new
    assert lap(capsys, "sync", "--receipt", str(r1))["confirmed"] == 0


def test_lost_stick(hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    enrol_by_files(hub_url, tmp_path, capsys)
    close_days(0, 9)
    lost = tmp_path / "usb" / "roi-xuong-bien.epb"
    assert lap(capsys, "sync", "--bundle", str(lost))["reports"] == 10
    close_days(10, 19)
    b2 = tmp_path / "usb" / "dot-2.epb"
    assert lap(capsys, "sync", "--bundle", str(b2))["reports"] == 20  # everything not yet confirmed
    r2 = tmp_path / "usb" / "bien-nhan-2.json"
    res = hub(hub_url, capsys, "import-bundle", str(b2), "--receipt", str(r2))
    assert sum(b["imported"] for b in res["batches"]) == 20
    rows = stored(hub_url)
    again = hub(hub_url, capsys, "import-bundle", str(b2))  # idempotent: the stored summaries, nothing written
    assert all(b["replayed"] for b in again["batches"]) and stored(hub_url) == rows
    found = hub(hub_url, capsys, "import-bundle", str(lost))  # the lost stick turns up after all
    assert all(b["replayed"] or b["imported"] + b["updated"] == 0 for b in found["batches"])
    assert stored(hub_url) == rows
    assert len(rows) == 20 and len({(p, d) for p, d, _, _ in rows}) == 20  # each day once
    assert lap(capsys, "sync", "--receipt", str(r2))["confirmed"] == 20
    assert lap(capsys, "sync-status")["waiting"] == 0


def test_bad_files_refused_nothing_changed(hub_url: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    device = enrol_by_files(hub_url, tmp_path, capsys)
    close_days(0, 4)
    b1 = tmp_path / "b1.epb"
    lap(capsys, "sync", "--bundle", str(b1))
    r1 = tmp_path / "r1.json"
    hub(hub_url, capsys, "import-bundle", str(b1), "--receipt", str(r1))
    before = outbox_snapshot()

    truncated = tmp_path / "cut.json"
    truncated.write_bytes(r1.read_bytes()[: len(r1.read_bytes()) // 2])
    assert "hỏng" in lap(capsys, "sync", "--receipt", str(truncated), ok=False)

    doc = json.loads(r1.read_text())
    forged_key, _ = signing.generate_keypair()
    forged = tmp_path / "forged.json"
    offline.write_file(forged, offline.hub_sign(forged_key, "receipt", doc["payload"]))
    assert "Chữ ký" in lap(capsys, "sync", "--receipt", str(forged), ok=False)

    altered = dict(doc, payload={**doc["payload"], "issued_at": "2030-01-01T00:00:00Z"})
    (tmp_path / "altered.json").write_text(json.dumps(altered))
    assert "Chữ ký" in lap(capsys, "sync", "--receipt", str(tmp_path / "altered.json"), ok=False)

    # a genuine hub signature, but for another device
    db = open_hub(hub_url)
    with db.session(write=True) as s:
        from province.offline import ensure_hub_key

        hub_private, _ = ensure_hub_key(s)
    db.close()
    other = tmp_path / "other.json"
    offline.write_file(other, offline.hub_sign(hub_private, "receipt", {**doc["payload"], "device_id": "f" * 32}))
    assert "máy khác" in lap(capsys, "sync", "--receipt", str(other), ok=False)

    # targets: another commune's file, an altered one
    t_other = tmp_path / "t-other.json"
    hub(hub_url, capsys, "targets-file", "99999", "--out", str(t_other))
    assert "xã" in lap(capsys, "targets", "--file", str(t_other), ok=False)
    t_ok = tmp_path / "t.json"
    hub(hub_url, capsys, "targets-file", COMMUNE, "--out", str(t_ok), "--hub-url", "https://hub.tinh.gov.vn")
    t_doc = json.loads(t_ok.read_text())
    t_doc["payload"]["targets"][0]["value"] = 1
    (tmp_path / "t-bad.json").write_text(json.dumps(t_doc))
    assert "Chữ ký" in lap(capsys, "targets", "--file", str(tmp_path / "t-bad.json"), ok=False)
    assert outbox_snapshot() == before  # nothing changed by any refused file

    # the genuine files work
    assert lap(capsys, "sync", "--receipt", str(r1))["confirmed"] == 5
    got = lap(capsys, "targets", "--file", str(t_ok))
    assert got["targets"] == 1 and got["hub_url"] == "https://hub.tinh.gov.vn"
    assert device


def test_response_for_another_laptop_or_tampered(hub_url: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    db = laptop_db()
    db.close()
    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    lap(capsys, "connect", "--code", code, "--request-file", str(tmp_path / "req.json"), "--commune", COMMUNE)
    # another laptop of the commune enrols with its own code; its response comes back on our stick
    other_code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    other_key, _ = signing.generate_keypair()
    offline.write_file(tmp_path / "other-req.json", offline.make_request(other_code, COMMUNE, "máy 2", other_key))
    hub(hub_url, capsys, "enrol-file", str(tmp_path / "other-req.json"), "--out", str(tmp_path / "other.json"))
    before = outbox_snapshot()
    assert "máy khác" in lap(capsys, "connect", "--response-file", str(tmp_path / "other.json"), ok=False)
    # our genuine response, altered on the way
    hub(hub_url, capsys, "enrol-file", str(tmp_path / "req.json"), "--out", str(tmp_path / "resp.json"))
    doc = json.loads((tmp_path / "resp.json").read_text())
    bad = dict(doc, payload={**doc["payload"], "commune_name": "Xã giả"})
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert "Chữ ký" in lap(capsys, "connect", "--response-file", str(tmp_path / "bad.json"), ok=False)
    # a request whose proof was made with a wrong code: refused by the hub, nothing stored
    wrong = offline.make_request("AAAA-BBBB-CCCC", COMMUNE, "máy 3", signing.generate_keypair()[0])
    offline.write_file(tmp_path / "wrong.json", wrong)
    assert "không đúng" in hub(hub_url, capsys, "enrol-file", str(tmp_path / "wrong.json"), "--out",
                               str(tmp_path / "w.json"), ok=False)
    assert outbox_snapshot() == before
    assert lap(capsys, "connect", "--response-file", str(tmp_path / "resp.json"))["commune_code"] == COMMUNE


def test_reenrol_by_file_keeps_the_device(hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A laptop enrolled by file connects again by file: its request carries its device id and a proof signed
    with its key, the hub re-keys that device, and the days it re-sends replace its own — never add. Forged
    or another commune's device: refused, nothing stored, the code still good (an unknown device: below)."""
    setup_hub(hub_url, capsys)
    device = enrol_by_files(hub_url, tmp_path, capsys)
    close_days(0, 4)
    b1 = tmp_path / "usb" / "dot-1.epb"
    assert lap(capsys, "sync", "--bundle", str(b1))["reports"] == 5
    hub(hub_url, capsys, "import-bundle", str(b1))  # the receipt never makes it back
    rows = stored(hub_url)
    assert len(rows) == 5 and {r[3] for r in rows} == {device}

    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    req = tmp_path / "usb" / "yeu-cau-2.json"
    assert lap(capsys, "connect", "--code", code, "--request-file", str(req))["previous_device_id"] == device
    doc = json.loads(req.read_text())
    assert doc["previous_device_id"] == device and len(doc["previous_proofs"]) == 1
    new_key = doc["payload"]["public_key"]

    db = open_hub(hub_url)
    try:
        with db.session(write=True) as s:  # a device of another commune
            other_code, _ = admin.create_enrolment_code(s, "99999")
            other = admin.enrol(s, other_code, "máy xã khác", signing.generate_keypair()[1]).device.id
        stranger, _ = signing.generate_keypair()
        forged = signing.reenrol_proof(stranger, device, new_key, COMMUNE, offline.code_hash(code))
        cases = [({"previous_proofs": [forged]}, "khóa cũ"), ({"previous_device_id": other}, "xã khác"), ({"previous_proofs": [forged] * 3}, "không đúng dạng"),
                 ({"previous_device_id": "x" * 33}, "không đúng dạng"), ({"previous_proofs": "abc"}, "không đúng dạng")]
        for k, (change, words) in enumerate(cases):
            bad = tmp_path / f"bad-{k}.json"
            offline.write_file(bad, {**doc, **change})
            out = tmp_path / f"out-{k}.json"
            assert words in hub(hub_url, capsys, "enrol-file", str(bad), "--out", str(out), ok=False)
            assert not out.exists()
        with db.session() as s:
            assert s.get(Device, device).public_key != new_key
            spent = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == offline.code_hash(code)))
            assert spent.used_at is None  # the code is still good
    finally:
        db.close()

    resp = tmp_path / "usb" / "tra-loi-2.json"
    assert hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp))["device_id"] == device
    done = lap(capsys, "connect", "--response-file", str(resp))
    assert done["device_id"] == device and done["same_device"] == "yes"
    # The unconfirmed days travel again, with a correction of day 3: replaced, never added.
    close_days(3, 3)
    b2 = tmp_path / "usb" / "dot-2.epb"
    assert lap(capsys, "sync", "--bundle", str(b2))["reports"] == 5
    r2 = tmp_path / "usb" / "bien-nhan-2.json"
    res = hub(hub_url, capsys, "import-bundle", str(b2), "--receipt", str(r2))
    assert [sum(b[k] for b in res["batches"]) for k in ("imported", "updated", "ignored")] == [0, 1, 4]
    again = stored(hub_url)
    assert len(again) == 5 and {r[3] for r in again} == {device}
    assert {r[2] for r in again if r[1] == D0 + dt.timedelta(days=3)} == {2}
    assert lap(capsys, "sync", "--receipt", str(r2))["confirmed"] == 5


def test_reenrol_by_file_on_a_hub_that_never_knew_the_device(hub_url: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The province replaced its hub: the laptop's request asks to keep a device this hub never knew. The hub
    enrols it as a NEW device (no second boat trip) and says so — CLI, signed response, laptop — the code is
    spent once, and the days the old hub never confirmed reach the new hub under the new id, once."""
    old_hub = f"sqlite:///{tmp_path / 'old-hub.db'}"
    setup_hub(old_hub, capsys)
    old = enrol_by_files(old_hub, tmp_path / "old", capsys)
    close_days(0, 4)
    b1 = tmp_path / "usb" / "dot-1.epb"
    assert lap(capsys, "sync", "--bundle", str(b1))["reports"] == 5
    hub(old_hub, capsys, "import-bundle", str(b1))  # the old hub's receipt never comes back

    setup_hub(hub_url, capsys)  # the new hub
    code = hub(hub_url, capsys, "enrol-code", COMMUNE)["code"]
    req = tmp_path / "usb" / "yeu-cau-2.json"
    assert lap(capsys, "connect", "--code", code, "--request-file", str(req))["previous_device_id"] == old
    resp = tmp_path / "usb" / "tra-loi-2.json"
    capsys.readouterr()
    assert hub_cli.main(["--db", hub_url, "enrol-file", str(req), "--out", str(resp)]) == 0
    said = capsys.readouterr().out
    assert "MÁY MỚI" in said and old in said and "không biết" in said
    assert "đã được dùng" in hub(hub_url, capsys, "enrol-file", str(req), "--out", str(tmp_path / "again.json"),
                                 ok=False)  # the code is spent once
    p = json.loads(resp.read_text())["payload"]
    new = p["device_id"]
    assert new != old and p["same_device"] is False and p["previous_device_id"] == old
    assert p["new_device_reason"] == offline.NEW_DEVICE_UNKNOWN
    db = open_hub(hub_url)
    try:
        with db.session() as s:
            assert [d.id for d in s.scalars(select(Device))] == [new]
            spent = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == offline.code_hash(code)))
            assert spent.used_at is not None and spent.device_id == new
    finally:
        db.close()

    capsys.readouterr()
    assert ep(["connect", "--response-file", str(resp)]) == 0
    said = capsys.readouterr().out
    assert "MÁY MỚI" in said and f"không biết mã máy cũ {old}" in said and new in said
    lapdb = laptop_db()
    with lapdb.session() as s:
        assert config.get(s, KEY_HUB_DEVICE_ID) == new
    lapdb.close()
    assert hub_link._keyring_get(hub_link.keyring_name(old), "private_key") == ""  # the old device is gone

    # the laptop then delivers fine: the unconfirmed days and a new one, stored once under the new id
    close_days(5, 5)
    b2 = tmp_path / "usb" / "dot-2.epb"
    assert lap(capsys, "sync", "--bundle", str(b2))["reports"] == 6
    r2 = tmp_path / "usb" / "bien-nhan-2.json"
    res = hub(hub_url, capsys, "import-bundle", str(b2), "--receipt", str(r2))
    assert sum(b["imported"] for b in res["batches"]) == 6
    rows = stored(hub_url)
    assert len(rows) == 6 and {r[3] for r in rows} == {new}
    assert lap(capsys, "sync", "--receipt", str(r2))["confirmed"] == 6
    assert lap(capsys, "sync-status")["waiting"] == 0


def test_day_codes_provisional_then_superseded(hub_url: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    device = enrol_by_files(hub_url, tmp_path, capsys)
    close_days(0, 0)  # day 0 has one card captured
    day = D0.isoformat()
    codes = lap(capsys, "day-code", "--date", day)
    assert len(codes) == 1 and len(codes[0]["code"]) <= 160
    rev1 = codes[0]["code"]
    got = hub(hub_url, capsys, "day-code", rev1)
    assert got["status"] == "provisional" and got["totals"]["card_captured"] == 1 and got["device_id"] == device
    assert hub(hub_url, capsys, "day-code", rev1.lower().replace("-", " "))["status"] == "duplicate"
    listed = hub(hub_url, capsys, "day-codes")
    assert listed[0]["status"] == "tạm, qua điện thoại" and not listed[0]["superseded"]

    # a correction typed in later: revision 2; the old code replayed is stale
    db = laptop_db()
    with db.session() as s:
        point = s.scalar(select(Point).where(Point.code == "P1"))
        c = s.scalars(select(Citizen)).first()
        record_event(s, c, "attended", at=dt.datetime.combine(D0, dt.time(11)), point=point)
        dayclose.close_day(s, D0, "P1", now=dt.datetime(2025, 9, 2, tzinfo=dt.UTC))
    db.close()
    rev2 = lap(capsys, "day-code", "--date", day, "--point", "P1")[0]["code"]
    assert hub(hub_url, capsys, "day-code", rev2)["revision"] == 2
    assert "Cũ" in hub(hub_url, capsys, "day-code", rev1, ok=False)

    # a code no enrolled device made (a guess, or another laptop's key)
    fake = daycode.encode(daycode.DayTotals(COMMUNE, "P1", D0, 3, {"card_captured": 999}), b"k" * 32)
    assert "không do máy nào" in hub(hub_url, capsys, "day-code", fake, ok=False)
    # a typo
    typo = rev2[:5] + ("0" if rev2[5] != "0" else "1") + rev2[6:]
    assert "sai" in hub(hub_url, capsys, "day-code", typo, ok=False)

    # the signed report arrives and supersedes the provisional figures
    b = tmp_path / "b.epb"
    lap(capsys, "sync", "--bundle", str(b))
    hub(hub_url, capsys, "import-bundle", str(b))
    listed = hub(hub_url, capsys, "day-codes")
    assert listed[0]["superseded"] and "ký số" in listed[0]["status"]
    assert "Cũ" in hub(hub_url, capsys, "day-code", rev2, ok=False)  # the signed report is there now
    hdb = open_hub(hub_url)
    with hdb.session() as s:
        assert s.query(PhoneReport).count() == 1
    hdb.close()


def test_migration_0005_keeps_records(hub_url: str) -> None:
    """0005_offline on a hub database at the previous revision with data: everything kept, new tables empty,
    and the hub's signing key made at the first start."""
    from sqlalchemy import func, text

    from province import migrations
    from province.db import create_hub_engine
    from province.models import BundleReceipt, Commune, Device, HubSetting

    before = migrations.KNOWN_REVISIONS[migrations.KNOWN_REVISIONS.index("0005_offline") - 1]
    engine = create_hub_engine(hub_url)
    try:
        migrations.upgrade(engine, before)
        now = dt.datetime(2025, 7, 2, 3, 0)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO communes (code, name, province_code, province_name, active) "
                              "VALUES ('22736', 'Trường Sa', '56', 'Khánh Hòa', :t)"), {"t": True})
            conn.execute(text("INSERT INTO devices (id, commune_code, name, public_key, token_hash, token_expires_at,"
                              " enrolled_at, revoked) VALUES ('d1', '22736', 'máy', 'k', 'h', :n, :n, :f)"),
                         {"n": now, "f": False})
    finally:
        engine.dispose()
    from province.app import create_app

    db = open_hub(hub_url)  # upgrades to head
    try:
        create_app(db=db)  # the first start makes the hub key
        with db.session() as s:
            assert [c.code for c in s.scalars(select(Commune))] == ["22736"]
            assert [d.id for d in s.scalars(select(Device))] == ["d1"]
            assert s.scalar(select(func.count()).select_from(PhoneReport)) == 0
            assert s.scalar(select(func.count()).select_from(BundleReceipt)) == 0
            key = s.get(HubSetting, "hub_signing_key")
            assert key is not None and signing.public_key_of(key.value)
    finally:
        db.close()
