"""A laptop that connects again (token expired, new hub address, `enrollpoint connect` re-run) keeps its device
id, so the days its outbox re-sends are not counted twice at the province — against a real hub process on
SQLite and PostgreSQL, with a real laptop database and `hub_link.connect` / `sync_now`. Also: an answer lost
after the hub re-keyed the device, a code of another commune (refused before it is spent), a hub that never
knew the device (enrols it as a new one), and several laptops racing with one code (one wins)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import keyring
import pytest
from sqlalchemy import func, select, update

from common.vietnamese import fold
from desktop.errors import ServiceError
from desktop.models import Citizen, OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link
from desktop.services.register.statuses import record_event
from desktop.storage.db import Database, open_database
from province import admin
from province.db import HubDB, open_hub
from province.models import CommuneTotal, Device, EnrolmentCode, ReportVillage
from sync import offline, signing
from sync.client import HubClient, RetryPolicy
from sync.failures import MSG_REENROL_COMMUNE, MSG_TIMEOUT, Transient
from sync.protocol import EnrolResponse
from tests.support.hub import enrol_http, hub_proc

pytestmark = pytest.mark.slow
COMMUNE = "22736"
DAY = dt.date(2025, 11, 20)
POLICY = RetryPolicy(timeout=(2.0, 10.0), max_attempts=2, base=0.01, cap=0.05, max_run_seconds=30)


def _codes(db: HubDB, n: int, commune: str = COMMUNE) -> list[str]:
    with db.session(write=True) as s:
        return [admin.create_enrolment_code(s, commune)[0] for _ in range(n)]


def _laptop(path: Path) -> Database:
    path.mkdir(parents=True)
    db = open_database(path / "enrollpoint.db")
    with db.session() as s:
        s.add(Point(code="TRUSO", name="Nhà văn hoá Trường Sa"))
    return db


def _capture_and_close(db: Database, n: int) -> None:
    """One more citizen's card captured at TRUSO on DAY, then the day closed (a new revision)."""
    with db.session() as s:
        point = s.scalar(select(Point).where(Point.code == "TRUSO"))
        now = dt.datetime(2025, 1, 1)
        c = Citizen(id_number=f"0561960{n:05d}", full_name=f"Trần Thị {n}", name_key=f"tran thi {n}",
                    given_key=str(n), sort_given=str(n), sort_family=str(n), village="Thôn Đông",
                    village_key=fold("Thôn Đông"), created_at=now, updated_at=now)
        s.add(c)
        s.flush()
        record_event(s, c, "card_captured", at=dt.datetime.combine(DAY, dt.time(10)), point=point)
        dayclose.close_day(s, DAY, "TRUSO", now=dt.datetime(2025, 11, 20, 12 + n, tzinfo=dt.UTC))


def _sync(db: Database) -> None:
    result = hub_link.sync_now(db, policy=POLICY, sleep=lambda _s: None, fetch=False)
    assert result.ok and result.remaining == 0, result.error


def _hub_day(hub: HubDB) -> tuple[set[str], int, int]:
    """(devices with a report of DAY, their card_captured sum, the commune's running total)."""
    with hub.session() as s:
        devices = set(s.scalars(select(ReportVillage.device_id).where(ReportVillage.day == DAY)))
        total = s.scalar(select(func.coalesce(func.sum(ReportVillage.card_captured), 0))
                         .where(ReportVillage.day == DAY))
        running = s.scalar(select(CommuneTotal.value).where(CommuneTotal.commune_code == COMMUNE,
                                                           CommuneTotal.indicator == "card_captured"))
    return devices, int(total or 0), int(running or 0)


def _answers_lost(db: Database) -> None:
    """As if the hub's answers never reached the laptop: every item waits again (a new batch next time)."""
    with db.session() as s:
        s.execute(update(OutboxItem).values(sent_at=None, confirmed_via="", batch_id=None))


class _LostAnswer(HubClient):
    """The hub commits the enrolment, the answer is lost on the way back."""

    def enrol(self, *args: object, **kw: object) -> EnrolResponse:
        super().enrol(*args, **kw)  # type: ignore[arg-type]
        raise Transient(MSG_TIMEOUT)


def test_reconnected_laptop_resends_and_the_province_counts_once(hub_url: str, tmp_path: Path) -> None:
    hub = open_hub(hub_url)
    lap = _laptop(tmp_path / "may-1")
    try:
        with hub.session(write=True) as s:
            admin.add_commune(s, COMMUNE, "Đặc khu Trường Sa", "56", "Khánh Hòa")
            admin.add_commune(s, "99999", "Xã khác", "56")
        codes = _codes(hub, 4)
        foreign = _codes(hub, 1, "99999")[0]
        with hub_proc(hub_url, tmp_path / "hub.log") as (base, _p):
            first = hub_link.connect(lap, base, codes[0], "Nguyễn Văn An")
            assert first["same_device"] == "no"
            device = first["device_id"]
            _capture_and_close(lap, 1)
            _sync(lap)
            assert _hub_day(hub) == ({device}, 1, 1)

            # The token expired / the officer re-ran connect, and the answers of the last run were lost: the
            # outbox re-sends day DAY (revision 1). Same device: ignored, the province still counts 1.
            _answers_lost(lap)
            again = hub_link.connect(lap, base, codes[1], "Nguyễn Văn An")
            assert again["device_id"] == device and again["same_device"] == "yes"
            creds = hub_link.credentials(lap)
            with hub.session() as s:
                dev = s.get(Device, device)
                assert dev.public_key == signing.public_key_of(creds.private_key)
                assert dev.token_hash == signing.token_hash(creds.token)
                assert s.scalar(select(func.count()).select_from(Device)) == 1
            _sync(lap)
            assert _hub_day(hub) == ({device}, 1, 1)
            # A correction (revision 2) replaces the laptop's report.
            _capture_and_close(lap, 2)
            _sync(lap)
            assert _hub_day(hub) == ({device}, 2, 2)

            # The hub re-keys the device but its answer is lost: the old token is dead, the laptop still has
            # its old key; the next connect proves itself with the key it introduced and stays the device.
            with pytest.raises(ServiceError):
                hub_link.connect(lap, base, codes[2], "Nguyễn Văn An", client=_LostAnswer(base))
            user = f"{hub_link.keyring_name(device)}:next_private_key"
            assert keyring.get_password(hub_link.SERVICE, user)
            _answers_lost(lap)
            assert hub_link.sync_now(lap, policy=POLICY, sleep=lambda _s: None, fetch=False).auth_failed
            assert hub_link.connect(lap, base, codes[3], "Nguyễn Văn An")["device_id"] == device
            assert keyring.get_password(hub_link.SERVICE, user) is None
            _sync(lap)
            assert _hub_day(hub) == ({device}, 2, 2)

            # A code of another commune: refused by the hub before it is spent (before, it was spent and then
            # refused by the laptop); nothing changes on the laptop.
            with pytest.raises(ServiceError) as refused:
                hub_link.connect(lap, base, foreign, "Nguyễn Văn An")
            assert refused.value.message == MSG_REENROL_COMMUNE
            assert hub_link.credentials(lap).device_id == device
            _sync(lap)
            with httpx.Client(base_url=base, timeout=30) as http:
                assert enrol_http(http, foreign).commune_code == "99999"  # the code was still good
    finally:
        lap.close()
        hub.close()


def test_one_code_raced_and_a_hub_that_never_knew_the_device(hub_url: str, tmp_path: Path) -> None:
    hub = open_hub(hub_url)
    lap = _laptop(tmp_path / "may-1")
    other_hub_url = f"sqlite:///{tmp_path / 'hub-moi.db'}"
    other = open_hub(other_hub_url)
    try:
        for db in (hub, other):
            with db.session(write=True) as s:
                admin.add_commune(s, COMMUNE, "Đặc khu Trường Sa", "56", "Khánh Hòa")
        first, raced = _codes(hub, 2)
        with hub_proc(hub_url, tmp_path / "hub.log") as (base, _p):
            device = hub_link.connect(lap, base, first, "Nguyễn Văn An")["device_id"]
            old_key = hub_link.credentials(lap).private_key

            # Three re-enrolments of the device (each its own new key) and three new laptops, one code.
            def attempt(k: int) -> tuple[int, str, str]:
                _priv, pub = signing.generate_keypair()
                body = {"code": raced, "device_name": f"máy {k}", "public_key": pub}
                if k < 3:
                    body.update(previous_device_id=device, previous_proof=signing.reenrol_proof(
                        old_key, device, pub, COMMUNE, offline.code_hash(raced)))
                r = httpx.post(f"{base}/api/v1/enrol", json=body, timeout=30)
                return r.status_code, pub, r.json().get("device_id", "")

            with ThreadPoolExecutor(6) as pool:
                results = list(pool.map(attempt, range(6)))
            won = [r for r in results if r[0] == 200]
            assert len(won) == 1 and sorted(r[0] for r in results) == [200] + [403] * 5, results
            with hub.session() as s:
                code_row = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == offline.code_hash(raced)))
                assert code_row.device_id == won[0][2]
                holder = s.get(Device, won[0][2])
                assert holder.public_key == won[0][1]
                assert s.scalar(select(func.count()).select_from(Device)) == (1 if won[0][2] == device else 2)

        # The laptop is pointed at a new hub that never knew the device: it is enrolled there as a new device.
        code_new = _codes(other, 1)[0]
        with hub_proc(other_hub_url, tmp_path / "hub-moi.log") as (base2, _p):
            moved = hub_link.connect(lap, base2, code_new, "Nguyễn Văn An")
            assert moved["same_device"] == "no" and moved["device_id"] != device
            _capture_and_close(lap, 1)
            _sync(lap)
            with other.session() as s:
                assert set(s.scalars(select(ReportVillage.device_id))) == {moved["device_id"]}
            assert keyring.get_password(hub_link.SERVICE, f"{hub_link.keyring_name(device)}:token") is None
    finally:
        lap.close()
        other.close()
        hub.close()
