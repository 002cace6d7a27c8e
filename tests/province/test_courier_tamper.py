"""Whoever carries the stick cannot make a laptop believe the province received what it never did.

The laptop is the real `enrollpoint` CLI on its own database file and keyring; the hub is the real
`enrollpoint-hub` CLI on a fresh database (SQLite, and PostgreSQL when EP_TEST_PG_URL is set). A courier
re-signs a genuine enrolment response with a key of their own (then would forge receipts and targets files):
refused with nothing pinned or stored. A province that reinstalls its hub enrols again with a new code: the
key changes and the officer sees both fingerprints. A bundle imported twice says "đã nhận trước đó, không lưu
gì thêm"; a bundle signed before a re-enrolment is accepted while the hub still knows the earlier key.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from desktop import config, paths
from desktop.cli import main as ep
from desktop.models import Citizen, OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link
from desktop.services.register.statuses import record_event
from desktop.settings_keys import (
    KEY_HUB_COMMUNE,
    KEY_HUB_DEVICE_ID,
    KEY_HUB_PUBLIC_KEY,
    KEY_HUB_URL,
    KEY_LAST_SUCCESS,
)
from desktop.storage.db import Database, open_database
from province import cli as hub_cli
from province.db import open_hub
from province.models import DevicePreviousKey, ReportVillage
from sync import hubkey, offline, signing
from tests.support.clis import hub, lap, stored

COMMUNE = "22736"
D0 = dt.date(2025, 6, 1)



def hub_text(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert hub_cli.main(["--db", url, *args]) == 0
    return capsys.readouterr().out



def lap_text(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = ep(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    return out.out


def laptop_db() -> Database:
    return open_database(paths.db_path())


def setup_hub(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    hub(url, capsys, "init")
    hub(url, capsys, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    hub(url, capsys, "target", "set", COMMUNE, "card_captured", "1200", "--deadline", "2025-12-31")


def request_file(url: str, tmp: Path, capsys: pytest.CaptureFixture[str], name: str = "yeu-cau") -> tuple[Path, dict]:
    """Step 1 of enrolment by file; returns the request path and the hub's enrol-code answer."""
    db = laptop_db()
    with db.session() as s:
        if s.scalar(select(Point).where(Point.code == "P1")) is None:
            s.add(Point(code="P1", name="Điểm 1"))
    db.close()
    issued = hub(url, capsys, "enrol-code", COMMUNE)
    req = tmp / "usb" / f"{name}.json"
    lap(capsys, "connect", "--code", issued["code"], "--request-file", str(req), "--commune", COMMUNE)
    return req, issued


def pinned_state() -> tuple:
    """Everything a refused file must leave as it was: hub settings, outbox rows."""
    db = laptop_db()
    try:
        with db.session() as s:
            rows = [(i.id, i.sent_at, i.confirmed_via, i.exported_at, i.last_error, i.batch_id)
                    for i in s.scalars(select(OutboxItem).order_by(OutboxItem.id))]
            settings = {k: config.get(s, k) for k in (KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY,
                                                      KEY_HUB_URL, KEY_HUB_COMMUNE,
                                                      KEY_LAST_SUCCESS)}
        return (tuple(rows), tuple(sorted(settings.items())))
    finally:
        db.close()


def close_days(first: int, last: int) -> None:
    db = laptop_db()
    try:
        with db.session() as s:
            point = s.scalar(select(Point).where(Point.code == "P1"))
            n = s.query(Citizen).count()
            for i in range(first, last + 1):
                day = D0 + dt.timedelta(days=i)
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



def resign(doc: dict, stranger: str, **payload_changes: object) -> dict:
    """What a courier can do: change the payload, sign it with their own key (hub_sign puts their key's
    fingerprint beside it, as a careful forger would)."""
    return offline.hub_sign(stranger, doc["kind"], {**doc["payload"], **payload_changes})


def enrol_genuinely(url: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """A whole genuine file enrolment; (device id, the hub's fingerprint as printed beside the code)."""
    req, issued = request_file(url, tmp, capsys)
    resp = tmp / "usb" / "tra-loi.json"
    info = hub(url, capsys, "enrol-file", str(req), "--out", str(resp))
    done = lap(capsys, "connect", "--response-file", str(resp))
    assert done["device_id"] == info["device_id"]
    return str(info["device_id"]), str(issued.get("hub_key_fingerprint", ""))


# -- the enrolment response ---------------------------------------------------------------------------

def test_resigned_enrolment_response_refused_nothing_pinned(hub_url: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    req, issued = request_file(hub_url, tmp_path, capsys)
    resp = tmp_path / "usb" / "tra-loi.json"
    hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp))
    genuine = json.loads(resp.read_text())
    stranger, stranger_pub = signing.generate_keypair()
    before = pinned_state()

    # 1. the courier swaps in their key and re-signs (the binding still names the province's key)
    swapped = tmp_path / "usb" / "swapped.json"
    offline.write_file(swapped, resign(genuine, stranger, hub_public_key=stranger_pub))
    said = lap(capsys, "connect", "--response-file", str(swapped), ok=False)
    assert "không khớp với mã kết nối" in said and hubkey.fingerprint(stranger_pub) in said
    assert "Không có gì được thay đổi" in said
    assert pinned_state() == before

    # 2. … and drops the binding, as if the response came from a hub before contract 2
    stripped_payload = {k: v for k, v in genuine["payload"].items()
                        if k not in (hubkey.BINDING_FIELD, hubkey.CONTRACT_FIELD)}
    stripped = tmp_path / "usb" / "stripped.json"
    offline.write_file(stripped, offline.hub_sign(stranger, "enrol-response",
                                                  {**stripped_payload, "hub_public_key": stranger_pub}))
    said = lap(capsys, "connect", "--response-file", str(stripped), ok=False)
    assert "không có dấu xác nhận khóa" in said and "phiên bản cũ" in said
    assert pinned_state() == before
    assert hub_link.hub_info(laptop_db())[KEY_HUB_DEVICE_ID] == ""  # not enrolled, nothing pinned

    # 3. with a forged binding (the courier does not know the code): refused too
    forged = tmp_path / "usb" / "forged.json"
    fake = hubkey.binding(offline.code_hash("AAAA-BBBB-CCCC"), stranger_pub, genuine["payload"]["device_id"],
                          COMMUNE, genuine["payload"]["public_key"])
    offline.write_file(forged, resign(genuine, stranger, hub_public_key=stranger_pub,
                                      **{hubkey.BINDING_FIELD: fake}))
    assert "không khớp" in lap(capsys, "connect", "--response-file", str(forged), ok=False)
    assert pinned_state() == before

    # the genuine response still completes the enrolment (the pending request was kept), and the laptop
    # shows the fingerprint the province printed beside the code
    text = lap_text(capsys, "connect", "--response-file", str(resp))
    assert f"Dấu khóa máy chủ tỉnh: {issued['hub_key_fingerprint']}" in text
    db = laptop_db()
    try:
        with db.session() as s:
            assert config.get(s, KEY_HUB_PUBLIC_KEY) == genuine["payload"]["hub_public_key"]
        assert hub_link.hub_info(db)[hub_link.INFO_FINGERPRINT] == issued["hub_key_fingerprint"]
    finally:
        db.close()
    assert lap(capsys, "sync-status")["hub_key_fingerprint"] == issued["hub_key_fingerprint"]
    assert f"Dấu khóa máy chủ tỉnh: {issued['hub_key_fingerprint']}" in lap_text(capsys, "sync-status")


def test_fingerprint_beside_the_code_on_the_hub(hub_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    text = hub_text(hub_url, capsys, "enrol-code", COMMUNE)
    db = open_hub(hub_url)
    try:
        with db.session() as s:
            from province.offline import hub_public_key

            fp = hubkey.fingerprint(hub_public_key(s))
    finally:
        db.close()
    assert len(fp) == 19 and fp.count(" ") == 3
    code_line, *rest = text.splitlines()
    assert f"Dấu khóa máy chủ tỉnh: {fp}" in "\n".join(rest)  # the CLI speaks Vietnamese unless --lang en
    assert hub(hub_url, capsys, "enrol-code", COMMUNE)["hub_key_fingerprint"] == fp


# -- receipts and targets files after a genuine enrolment --------------------------------------------

def test_resigned_receipt_and_targets_refused(hub_url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    _device, fp = enrol_genuinely(hub_url, tmp_path, capsys)
    close_days(0, 4)
    bundle = tmp_path / "usb" / "dot-1.epb"
    assert lap(capsys, "sync", "--bundle", str(bundle))["reports"] == 5
    receipt = tmp_path / "usb" / "bien-nhan.json"
    hub(hub_url, capsys, "import-bundle", str(bundle), "--receipt", str(receipt))
    stranger, _pub = signing.generate_keypair()
    before = pinned_state()

    # a receipt "confirming" the reports, signed by the courier: refused, nothing confirmed
    fake = tmp_path / "usb" / "bien-nhan-gia.json"
    offline.write_file(fake, resign(json.loads(receipt.read_text()), stranger))
    said = lap(capsys, "sync", "--receipt", str(fake), ok=False)
    assert "không phải của máy chủ tỉnh" in said and fp in said and "Không có gì được thay đổi" in said
    assert pinned_state() == before
    assert lap(capsys, "sync-status")["waiting"] == 5

    # a targets file sending the next online sync (and the device token) elsewhere: refused, address kept
    t_ok = tmp_path / "usb" / "chi-tieu.json"
    hub(hub_url, capsys, "targets-file", COMMUNE, "--out", str(t_ok), "--hub-url", "https://hub.tinh.gov.vn")
    t_doc = json.loads(t_ok.read_text())
    evil = tmp_path / "usb" / "chi-tieu-gia.json"
    offline.write_file(evil, offline.hub_sign(stranger, "targets", {
        **t_doc["payload"], "settings": {"hub_url": "https://thu-nhan.example.com"},
        "issued_at": "2030-01-01T00:00:00Z"}))
    said = lap(capsys, "targets", "--file", str(evil), ok=False)
    assert "không phải của máy chủ tỉnh" in said and fp in said
    assert pinned_state() == before and hub_link.hub_info(laptop_db())[KEY_HUB_URL] == ""

    # the genuine files still work
    assert lap(capsys, "sync", "--receipt", str(receipt))["confirmed"] == 5
    assert lap(capsys, "targets", "--file", str(t_ok))["hub_url"] == "https://hub.tinh.gov.vn"


# -- a legitimate rotation: the province reinstalls its hub -------------------------------------------

def test_rotation_by_a_new_code_shows_old_and_new_fingerprints(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    old_hub, new_hub = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    setup_hub(old_hub, capsys)
    _dev, old_fp = enrol_genuinely(old_hub, tmp_path / "a", capsys)
    close_days(0, 1)
    b1 = tmp_path / "usb" / "dot-1.epb"
    lap(capsys, "sync", "--bundle", str(b1))
    old_receipt = tmp_path / "usb" / "bien-nhan-cu.json"
    hub(old_hub, capsys, "import-bundle", str(b1), "--receipt", str(old_receipt))

    setup_hub(new_hub, capsys)  # reinstalled: a new key
    req, issued = request_file(new_hub, tmp_path / "b", capsys)
    new_fp = issued.get("hub_key_fingerprint", "")
    assert new_fp != old_fp
    resp = tmp_path / "b" / "tra-loi.json"
    hub(new_hub, capsys, "enrol-file", str(req), "--out", str(resp))
    text = lap_text(capsys, "connect", "--response-file", str(resp))
    assert f"khóa cũ {old_fp}, khóa mới {new_fp}" in text
    assert lap(capsys, "sync-status")["hub_key_fingerprint"] == new_fp
    # the old hub's receipt is no longer the province's word
    said = lap(capsys, "sync", "--receipt", str(old_receipt), ok=False)
    assert "không phải của máy chủ tỉnh" in said and new_fp in said


# -- bundles at the hub ---------------------------------------------------------------------------------

def test_reimport_says_already_received(hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    enrol_genuinely(hub_url, tmp_path, capsys)
    close_days(0, 4)
    bundle = tmp_path / "usb" / "dot-1.epb"
    lap(capsys, "sync", "--bundle", str(bundle))
    first = hub_text(hub_url, capsys, "import-bundle", str(bundle))
    assert "5 mới" in first and "đã nhận trước đó" not in first
    rows = stored(hub_url)
    again_receipt = tmp_path / "usb" / "bien-nhan-2.json"
    text = hub_text(hub_url, capsys, "import-bundle", str(bundle), "--receipt", str(again_receipt))
    assert "0 mới" in text and "5 mới" not in text
    assert "đã nhận trước đó, không lưu gì thêm" in text and "already received" not in text  # one language
    english = hub_text(hub_url, capsys, "import-bundle", str(bundle), "--lang", "en")
    assert "0 imported" in english and "already received, nothing more stored" in english
    assert stored(hub_url) == rows  # nothing doubled
    again = hub(hub_url, capsys, "import-bundle", str(bundle))
    assert all(b["already_received"] for b in again["batches"])
    assert again["stored_now"]["imported"] == 0 and again["stored_now"]["already_reports"] == 5
    entries = json.loads(again_receipt.read_text())["payload"]["reports"]
    assert len(entries) == 5 and all(e["already_received"] is True for e in entries)
    # the laptop still takes it as proof of receipt, and says the province had it already
    got = lap(capsys, "sync", "--receipt", str(again_receipt))
    assert got["confirmed"] == 5 and got["already_received"] == 5
    assert lap(capsys, "sync-status")["waiting"] == 0


def test_bundle_signed_with_the_previous_key(hub_url: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    setup_hub(hub_url, capsys)
    device, _fp = enrol_genuinely(hub_url, tmp_path, capsys)
    close_days(0, 2)
    old_bundle = tmp_path / "usb" / "dot-1.epb"  # written before the re-enrolment, carried after it
    lap(capsys, "sync", "--bundle", str(old_bundle))

    req, _issued = request_file(hub_url, tmp_path, capsys, "yeu-cau-2")
    resp = tmp_path / "usb" / "tra-loi-2.json"
    hub(hub_url, capsys, "enrol-file", str(req), "--out", str(resp))
    assert lap(capsys, "connect", "--response-file", str(resp))["same_device"] == "yes"

    res = hub(hub_url, capsys, "import-bundle", str(old_bundle))  # accepted: the hub knows the earlier key
    assert sum(b["imported"] for b in res["batches"]) == 3
    assert len(stored(hub_url)) == 3

    db = open_hub(hub_url)
    try:
        with db.session(write=True) as s:
            assert len(s.scalars(select(DevicePreviousKey).where(DevicePreviousKey.device_id == device)).all()) == 1
            s.execute(update(DevicePreviousKey).values(replaced_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC)))
    finally:
        db.close()
    said = hub(hub_url, capsys, "import-bundle", str(old_bundle), ok=False)
    assert "earlier key of this laptop" in said and "replaced on 2025-01-02" in said
    assert "khóa cũ của chính máy này" in said and "does not verify" not in said

    # a key the device never had is still refused as before
    stranger, _pub = signing.generate_keypair()
    from sync.bundle import write_bundle
    from sync.protocol import Report

    rep = Report(COMMUNE, "P1", D0, 9, dt.datetime(2025, 9, 1, tzinfo=dt.UTC), {"card_captured": 50})
    forged = tmp_path / "usb" / "gia.epb"
    write_bundle(forged, device, COMMUNE, stranger, [rep])
    said = hub(hub_url, capsys, "import-bundle", str(forged), ok=False)
    assert "does not verify" in said and "earlier key" not in said
    assert len(stored(hub_url)) == 3


def test_dashboard_upload_twice_and_fingerprint(hub_db, admin_client, laptop) -> None:
    """The dashboard's upload page says "đã nhận trước đó, không lưu gì thêm" for a batch it already had, and
    the offline page shows the hub key's fingerprint to read out with a code."""
    from province.offline import hub_public_key
    from tests.support.hub import csrf_of, make_bundle

    csrf = csrf_of(admin_client)
    bundle = make_bundle(laptop, [laptop.batch(laptop.report(D0, card_captured=3), laptop.report(
        D0 + dt.timedelta(days=1), card_captured=4))])
    first = admin_client.post(f"/dashboard/upload-bundle?csrf={csrf}", files={"file": ("b.epb", bundle)})
    assert first.status_code == 200 and "Mới: 2" in first.text and "đã nhận trước đó" not in first.text
    again = admin_client.post(f"/dashboard/upload-bundle?csrf={csrf}", files={"file": ("b.epb", bundle)})
    assert again.status_code == 200 and "Mới: 0" in again.text
    assert "(2 báo cáo): đã nhận trước đó, không lưu gì thêm" in again.text
    with hub_db.session() as s:
        assert len(s.scalars(select(ReportVillage)).all()) == 2
        fp = hubkey.fingerprint(hub_public_key(s))
    page = admin_client.get("/dashboard/offline").text
    assert 'id="hub-key"' in page and fp in page
