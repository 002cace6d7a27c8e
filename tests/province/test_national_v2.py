"""Roll-up format 2 on the national hub (both backends): completeness per commune-day and forwarded targets
are checked before anything is stored; a format-1 province hub's batches are still taken and its province
shown "without completeness" (the rolling-upgrade rule); a later revision without completeness keeps the
completeness held; a province's targets are replaced by its next targets, never by older ones, and never
name another province's commune."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from province.app import create_app
from province.db import HubDB
from province.national import rollup
from province.national.models import NationalCommuneDay, NationalCommuneTotal, NationalTarget
from province.settings import HubSettings
from tests.support.hub import add_user, login
from tests.support.national import enrol_province

DAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()
COMP = rollup.completeness(3, {"network": 1, "phone": 1}, {"usb": 1}, 0)


@pytest.fixture
def national(hub_db: HubDB) -> Iterator[TestClient]:
    with TestClient(create_app(db=hub_db, settings=HubSettings(role="national"))) as c:
        yield c


def _enrol(client: TestClient, db: HubDB, province: str) -> str:
    return enrol_province(client, db, province)[0]


def _post(client: TestClient, private: str, province: str, rows: list[dict[str, Any]], version: int = 2,
          created: str = "2026-12-06T00:00:00+00:00", **extra: Any) -> Any:
    batch = {"format": rollup.FORMAT, "version": version, "province": province, "batch_id": uuid.uuid4().hex,
             "created_at": created, "rows": rows, **extra}
    return client.post("/api/v1/national/batches", json=rollup.sign_batch(private, batch))


def _row(commune: str, revision: int = 1, count: int = 5, comp: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"commune": commune, "day": DAY, "revision": revision, "provisional": False,
                           "values": {"card_captured": count}}
    if comp is not None:
        out["completeness"] = list(comp) if isinstance(comp, tuple) else comp
    return out


def _held(db: HubDB) -> dict[str, tuple[int, str | None]]:
    with db.session() as s:
        return {c: (json.loads(v).get("card_captured", 0), comp) for c, v, comp in s.execute(select(
            NationalCommuneDay.commune_code, NationalCommuneDay.values_json, NationalCommuneDay.completeness_json))}


def test_a_format_1_hub_is_still_taken_and_shown_without_completeness(national: TestClient, hub_db: HubDB) -> None:
    old, new = _enrol(national, hub_db, "1"), _enrol(national, hub_db, "56")
    assert _post(national, old, "1", [_row("70", count=11)], version=1).status_code == 200
    assert _post(national, new, "56", [_row("22366", count=4, comp=COMP)]).status_code == 200
    held = _held(hub_db)
    assert held["70"] == (11, None) and json.loads(held["22366"][1] or "") == rollup.completeness_dict(COMP)
    add_user(hub_db, "xem", "viewer")
    assert login(national, "xem").status_code == 303
    page = national.get(f"/national?ngay={DAY}")
    assert page.status_code == 200, page.text
    hanoi, khanh_hoa = page.text.split("Hà Nội")[1].split("</tr>")[0], page.text.split("Khánh Hòa")[1].split("</tr>")[0]
    assert "định dạng cũ, phiên bản 1" in hanoi and "đúng hạn" not in hanoi
    assert "1 đúng hạn, 0 trễ, 0 chưa báo cáo / 1 xã" in khanh_hoa
    assert "máy: 3 — đúng hạn: mạng 1, mã ngày (tạm) 1; trễ: tệp USB 1; chưa báo cáo: 0" in khanh_hoa
    assert national.get("/national?ngay=2026-13-01").status_code == 422  # a bad day: words, not a 500


@pytest.mark.parametrize("bad", [
    [3, 1, 0, 1, 0, 1, 0, 1],  # 1 + 1 + 1 + 1 ≠ 3
    [3, 1, 0, 1, 0, 1, 0],  # seven counts
    [-1, 0, 0, 0, 0, 0, 0, -1],
    [True, 1, 0, 0, 0, 0, 0, 0],
    [2000, 2000, 0, 0, 0, 0, 0, 0],  # over the bound
    rollup.completeness_dict((3, 1, 0, 1, 0, 1, 0, 0)),  # the stored (named) form is not the wire form
    "3/3",
])
def test_bad_completeness_is_refused_with_nothing_stored(national: TestClient, hub_db: HubDB, bad: Any) -> None:
    private = _enrol(national, hub_db, "56")
    r = _post(national, private, "56", [_row("22333"), _row("22366", comp=bad)])
    assert r.status_code == 422 and r.json()["field"] == "rows[1].completeness", r.text
    assert _held(hub_db) == {}


def test_completeness_in_a_format_1_batch_is_refused(national: TestClient, hub_db: HubDB) -> None:
    private = _enrol(national, hub_db, "56")
    r = _post(national, private, "56", [_row("22366", comp=COMP)], version=1)
    assert r.status_code == 422 and _held(hub_db) == {}
    r = _post(national, private, "56", [_row("22366")], version=3)
    assert r.status_code == 422 and "versions 1 and 2" in r.json()["detail"]


def test_a_revision_without_completeness_keeps_the_one_held(national: TestClient, hub_db: HubDB) -> None:
    private = _enrol(national, hub_db, "56")
    assert _post(national, private, "56", [_row("22366", 1, 4, COMP)]).status_code == 200
    assert _post(national, private, "56", [_row("22366", 2, 9)]).status_code == 200  # a day past the window
    count, comp = _held(hub_db)["22366"]
    assert count == 9 and json.loads(comp or "") == rollup.completeness_dict(COMP)
    silent = [1, 0, 0, 0, 0, 0, 0, 1]
    row = {**_row("22333", comp=silent), "values": {}}  # a commune that sent nothing: completeness only
    assert _post(national, private, "56", [row]).status_code == 200
    with hub_db.session() as s:  # not a day of figures in the totals the page ranks by
        assert s.get(NationalCommuneTotal, "22333").days == 0  # type: ignore[union-attr]


def _targets(db: HubDB) -> dict[str, int]:
    with db.session() as s:
        return {f"{c}/{k}": v for c, k, v in s.execute(select(
            NationalTarget.commune_code, NationalTarget.indicator, NationalTarget.value))}


def test_forwarded_targets_replace_only_newer_and_only_own_communes(national: TestClient, hub_db: HubDB) -> None:
    private = _enrol(national, hub_db, "56")
    newer = "2026-12-06T10:00:00+00:00"
    r = _post(national, private, "56", [], created=newer,
              targets={"22366": {"card_captured": 100}, "22333": {"card_captured": 50}})
    assert r.status_code == 200, r.text
    assert _targets(hub_db) == {"22366/card_captured": 100, "22333/card_captured": 50}
    older = _post(national, private, "56", [], created="2026-12-06T09:00:00+00:00",
                  targets={"22366": {"card_captured": 1}})  # carried late by file: does not replace
    assert older.status_code == 200 and _targets(hub_db)["22366/card_captured"] == 100
    r = _post(national, private, "56", [], created="2026-12-06T11:00:00+00:00", targets={"22366": {"card_captured": 7}})
    assert r.status_code == 200 and _targets(hub_db) == {"22366/card_captured": 7}  # the whole set replaced
    other = _post(national, private, "56", [_row("22366")], created="2026-12-06T12:00:00+00:00",
                  targets={"70": {"card_captured": 9}})  # Hoàn Kiếm is Hà Nội's
    assert other.status_code == 403 and "70" in other.json()["detail"]
    bad = _post(national, private, "56", [_row("22366")], targets={"22366": {"no_such": 1}})
    assert bad.status_code == 422 and bad.json()["field"] == "targets"
    assert _targets(hub_db) == {"22366/card_captured": 7} and _held(hub_db) == {}
    with hub_db.session() as s:
        assert s.scalar(select(func.count()).select_from(NationalCommuneDay)) == 0


def test_the_canonical_body_verifies_as_sent_and_a_changed_byte_does_not(national: TestClient, hub_db: HubDB) -> None:
    """A province hub posts the canonical form (rollup.wire_text): the signed bytes are taken from the body.
    A figure changed in those bytes is refused; the same batch in another JSON form is the same batch."""
    private = _enrol(national, hub_db, "56")
    batch = rollup.new_batch("56", uuid.uuid4().hex, "2026-12-06T00:00:00+00:00",
                             [rollup.Row("22366", dt.date.fromisoformat(DAY), 1, False, {"card_captured": 12}, COMP)])
    text = rollup.wire_text(rollup.sign_batch(private, batch))
    json_type = {"Content-Type": "application/json"}
    tampered = text.replace('"card_captured":12', '"card_captured":99')
    assert tampered != text
    r = national.post("/api/v1/national/batches", content=tampered.encode(), headers=json_type)
    assert r.status_code == 403 and _held(hub_db) == {}
    first = national.post("/api/v1/national/batches", content=text.encode(), headers=json_type)
    assert first.status_code == 200 and first.json()["duplicate"] is False, first.text
    spaced = json.dumps(json.loads(text), indent=1).encode()  # other bytes, same batch
    again = national.post("/api/v1/national/batches", content=spaced, headers=json_type)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["receipt"] == first.json()["receipt"] and _held(hub_db)["22366"][0] == 12
