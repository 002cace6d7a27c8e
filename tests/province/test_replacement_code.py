"""A dead laptop's successor at the hub: replacement codes (CLI function and dashboard button with CSRF), the successor under
the same device id, the old laptop refused with words, laptops held for the admin ("chờ duyệt") and never
summed until approved. SQLite and (with EP_TEST_PG_URL) PostgreSQL, through the real HTTP app."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from province import admin, replacement
from province.bundle_import import BundleError, import_bundle
from province.db import HubDB
from province.models import CommuneTotal, Device, EnrolmentCode, ReportVillage
from sync import protocol, signing
from tests.support.hub import Laptop, csrf_of, enrol_http, make_bundle, post, setup_commune
from tests.support.vietnamese import vietnamese_words

COMMUNE = "22736"
DAY = dt.date(2026, 11, 20)


def _total(db: HubDB) -> int:
    with db.session() as s:
        return int(s.scalar(select(CommuneTotal.value).where(CommuneTotal.commune_code == COMMUNE,
                                                            CommuneTotal.indicator == "card_captured")) or 0)


def _enrol(client: Any, code: str, **extra: Any) -> tuple[Any, Laptop | None]:
    priv, pub = signing.generate_keypair()
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": "Máy thay thế", "public_key": pub, **extra})
    if r.status_code != 200:
        return r, None
    d = r.json()
    return r, Laptop(d["device_id"], d["token"], priv, pub, d["commune_code"])


def _replacement(db: HubDB, device: str) -> str:
    with db.session(write=True) as s:
        return replacement.create_code(s, COMMUNE, device)[0]


def test_successor_takes_over_the_device_and_the_old_laptop_is_refused_in_words(hub_db: HubDB, client: Any) -> None:
    old = enrol_http(client, setup_commune(hub_db), "Máy B")
    assert post(client, old, old.batch(old.report(DAY, 1, card_captured=1))).status_code == 200
    assert post(client, old, old.batch(old.report(DAY, 2, card_captured=4))).status_code == 200
    code = _replacement(hub_db, old.device_id)

    # An old laptop (enrolment protocol 1) is refused before the code is spent; so is another device's database.
    r, _ = _enrol(client, code)
    assert r.status_code == 403 and r.json()["field"] == "replaces" and "cập nhật" in r.json()["detail"]
    r, _ = _enrol(client, code, enrol_protocol=2, restored_from="f" * 32)
    assert r.status_code == 403 and r.json()["field"] == "replaces"
    with hub_db.session() as s:
        assert s.scalar(select(EnrolmentCode.used_at).where(EnrolmentCode.replaces_device_id == old.device_id)) is None

    r, new = _enrol(client, code, enrol_protocol=2, restored_from=old.device_id)
    assert r.status_code == 200 and new is not None
    d = r.json()
    assert d["device_id"] == old.device_id and d["successor_of"] == old.device_id and d["replaced_name"] == "Máy B"
    assert [(p["day"], p["point_code"], p["revision"], p["totals"]["card_captured"])
            for p in d["predecessor_reports"]] == [(DAY.isoformat(), "P1", 2, 4)]

    # Revision 3 of the successor replaces revision 2 of the dead laptop: one device, never added.
    assert post(client, new, new.batch(new.report(DAY, 3, card_captured=5))).status_code == 200
    assert _total(hub_db) == 5
    with hub_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReportVillage)) == 1
        assert s.scalar(select(func.count()).select_from(Device)) == 1

    r = post(client, old, old.batch(old.report(DAY, 3, card_captured=9)))
    assert r.status_code == 401 and r.json()["field"] == "replaced"
    assert "đã được thay thế bởi máy «Máy thay thế»" in r.json()["detail"]
    r = client.get("/api/v1/targets", headers={"Authorization": f"Bearer {old.token}"})
    assert r.status_code == 401 and "thay thế" in r.json()["detail"]
    assert _total(hub_db) == 5


def test_restored_laptop_with_an_ordinary_code_is_held_until_the_admin_approves(hub_db: HubDB, client: Any) -> None:
    old = enrol_http(client, setup_commune(hub_db), "Máy B")
    assert post(client, old, old.batch(old.report(DAY, 1, card_captured=1))).status_code == 200
    with hub_db.session(write=True) as s:
        code = admin.create_enrolment_code(s, COMMUNE)[0]
    r, new = _enrol(client, code, enrol_protocol=2, restored_from=old.device_id)
    assert r.status_code == 200 and new is not None and new.device_id != old.device_id
    assert "khôi phục" in r.json()["held"]
    r = post(client, new, new.batch(new.report(DAY, 1, card_captured=1)))
    assert r.status_code == 403 and r.json()["field"] == "held" and "chờ tỉnh duyệt" in r.json()["detail"]
    assert _total(hub_db) == 1
    with hub_db.session(write=True) as s:
        from province import held

        held.approve(s, new.device_id)
    assert post(client, new, new.batch(new.report(DAY, 1, card_captured=1))).status_code == 200
    assert _total(hub_db) == 2


def test_an_old_laptop_whose_first_report_is_a_later_revision_is_held(hub_db: HubDB, client: Any) -> None:
    """Identity decides, not content: equal counts and zero reports are fine; a first report of revision 3 from a
    device that cannot say it was restored is held, nothing stored."""
    first = enrol_http(client, setup_commune(hub_db), "Máy A")
    assert post(client, first, first.batch(first.report(DAY, 1, card_captured=2))).status_code == 200
    with hub_db.session(write=True) as s:
        code = admin.create_enrolment_code(s, COMMUNE)[0]
    twin = enrol_http(client, code, "Máy cũ chưa nâng cấp")
    assert post(client, twin, twin.batch(twin.report(DAY, 1, card_captured=2))).status_code == 200  # equal: fine
    assert post(client, twin, twin.batch(twin.report(DAY, 1, point="P2"))).status_code == 200  # zeros: fine
    later = DAY + dt.timedelta(days=1)
    # A first report at revision 2 for a day no other laptop reported: a re-close before the first send, fine.
    assert post(client, twin, twin.batch(twin.report(later, 2, point="P3", card_captured=1))).status_code == 200
    assert post(client, first, first.batch(first.report(later, 2, card_captured=3))).status_code == 200
    r = post(client, twin, twin.batch(twin.report(later, 3, card_captured=3)))  # continues Máy A's revisions
    assert r.status_code == 403 and r.json()["field"] == "held" and "lần chốt 3" in r.json()["detail"]
    assert _total(hub_db) == 8


def test_dashboard_issues_a_replacement_code_and_approves_with_csrf(hub_db: HubDB, admin_client: Any) -> None:
    old = enrol_http(admin_client, setup_commune(hub_db), "Máy B")
    page = admin_client.get(f"/commune/{COMMUNE}").text
    assert "Cấp mã thay thế" in page and f"/dashboard/device/{old.device_id}/replacement-code" in page
    url = f"/dashboard/device/{old.device_id}/replacement-code"
    assert admin_client.post(url, data={"csrf": "sai"}).status_code == 403
    r = admin_client.post(url, data={"csrf": csrf_of(admin_client)})
    assert r.status_code == 200, r.text
    code = re.search(r"Mã: ([A-Z0-9-]+)", r.text)
    assert code is not None
    r, new = _enrol(admin_client, code.group(1), enrol_protocol=2)
    assert r.status_code == 200 and r.json()["successor_of"] == old.device_id

    with hub_db.session(write=True) as s:
        plain = admin.create_enrolment_code(s, COMMUNE)[0]
    r, held_lap = _enrol(admin_client, plain, enrol_protocol=2, restored_from=old.device_id)
    assert held_lap is not None
    page = admin_client.get(f"/commune/{COMMUNE}").text
    assert "Chờ duyệt" in page and "Duyệt máy" in page
    url = f"/dashboard/device/{held_lap.device_id}/approve"
    assert admin_client.post(url, data={"csrf": ""}).status_code == 403
    assert admin_client.post(url, data={"csrf": csrf_of(admin_client)}).status_code == 200

    # the same page asked in English: no Vietnamese word but the data (the laptop's name)
    r = admin_client.post(f"/dashboard/device/{held_lap.device_id}/replacement-code?lang=en",
                          data={"csrf": csrf_of(admin_client)})
    assert r.status_code == 200 and "Laptop replacement code" in r.text and "For the laptop «" in r.text
    assert not vietnamese_words(r.text, "Máy thay thế"), vietnamese_words(r.text, "Máy thay thế")
    with hub_db.session() as s:
        assert s.get(Device, held_lap.device_id).held_reason == ""  # type: ignore[union-attr]
    assert protocol.ENROL_PROTOCOL == 2


def test_bundles_of_a_replaced_or_held_laptop_are_refused_in_words(hub_db: HubDB, client: Any) -> None:
    old = enrol_http(client, setup_commune(hub_db), "Máy B")
    _r, new = _enrol(client, _replacement(hub_db, old.device_id), enrol_protocol=2)
    assert new is not None and new.device_id == old.device_id
    with pytest.raises(BundleError) as refused:
        import_bundle(hub_db, make_bundle(old, [old.batch(old.report(DAY, 1, card_captured=9))]))
    assert refused.value.status == 403 and "đã được thay thế bởi máy «Máy thay thế»" in str(refused.value.reason)
    assert import_bundle(hub_db, make_bundle(new, [new.batch(new.report(DAY, 1, card_captured=1))]))
    with hub_db.session(write=True) as s:
        code = admin.create_enrolment_code(s, COMMUNE)[0]
    _r, copy = _enrol(client, code, enrol_protocol=2, restored_from=old.device_id)
    assert copy is not None
    with pytest.raises(BundleError) as held_refusal:
        import_bundle(hub_db, make_bundle(copy, [copy.batch(copy.report(DAY, 1, card_captured=1))]))
    assert "chờ tỉnh duyệt" in str(held_refusal.value.reason)
    assert _total(hub_db) == 1
