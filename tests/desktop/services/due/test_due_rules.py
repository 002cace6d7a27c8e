"""Due rules (Law 26/2023): card expiry with the two-year rule, the four kinds, SQL = Python."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.models import Citizen
from desktop.services.demo import create_demo
from desktop.services.due.rules import (
    DUE_KINDS,
    DueKind,
    add_years,
    age_on,
    card_expiry,
    count_due,
    due_filter_sql,
    due_kinds_for,
    due_list,
    due_mask_sql,
    kinds_of_mask,
)
from desktop.services.due.search import CitizenQuery, count_citizens
from desktop.services.register import statuses
from desktop.services.register.rows import CitizenRow
from desktop.storage.connect import driver_connection
from tests.support.register import add_citizen

D = dt.date
BIRTH = D(1990, 5, 10)


@pytest.mark.parametrize("issued,expiry", [
    (D(2000, 1, 1), D(2004, 5, 10)),  # a child's card: renew at 14
    (D(2002, 6, 1), D(2015, 5, 10)),  # issued at 12y0m, within 2 years before 14: lasts to 25
    (D(2004, 5, 10), D(2015, 5, 10)),  # issued on the 14th birthday: to 25
    (D(2010, 1, 1), D(2015, 5, 10)),  # at 19: to 25
    (D(2013, 5, 9), D(2015, 5, 10)),  # one day before the 2-year window: to 25
    (D(2013, 5, 10), D(2030, 5, 10)),  # exactly 2 years before 25: lasts to 40
    (D(2013, 8, 10), D(2030, 5, 10)),  # at 23y3m: lasts to 40
    (D(2021, 4, 1), D(2030, 5, 10)),  # at 30: to 40
    (D(2029, 1, 1), D(2050, 5, 10)),  # at 38y7m: lasts to 60
    (D(2040, 1, 1), D(2050, 5, 10)),  # at 49: to 60
    (D(2048, 5, 10), None),  # at exactly 58: never expires
    (D(2049, 1, 1), None),  # at 58y7m
    (D(2055, 1, 1), None),  # at 64
])
def test_card_expiry(issued: dt.date, expiry: dt.date | None) -> None:
    assert card_expiry(BIRTH, issued) == expiry


def test_dates_on_29_february() -> None:
    b = D(2012, 2, 29)
    assert add_years(b, 14) == D(2026, 3, 1)  # as SQLite's date('2012-02-29', '+14 years')
    assert age_on(b, D(2026, 2, 28)) == 13 and age_on(b, D(2026, 3, 1)) == 14
    assert card_expiry(b, D(2020, 1, 1)) == D(2026, 3, 1)


def _row(**kw):
    base = dict(id=1, id_number=None, full_name="Lê An", birth_date=None, birth_year=None, sex="M", village="",
                phone=None, status="new", has_card=False, vneid_stage=0, needs_home_visit=False,
                possible_duplicate_of=None, card_issued_on=None)
    base.update(kw)
    return CitizenRow(**base)


ON = D(2026, 3, 1)


def test_kinds_for_one_citizen() -> None:
    assert due_kinds_for(_row(birth_date=D(2012, 3, 1)), ON) == {DueKind.FIRST_CARD}  # 14 today
    assert due_kinds_for(_row(birth_date=D(2012, 3, 2)), ON) == set()  # 14 tomorrow
    assert due_kinds_for(_row(birth_date=D(1990, 1, 1), has_card=True, card_issued_on=D(2021, 4, 1)), ON) == {
        DueKind.VNEID_REGISTER}
    # issued at 22 → expired at 25 (2026-01-01): renew, and still register VNeID
    assert due_kinds_for(_row(birth_date=D(2001, 1, 1), has_card=True, card_issued_on=D(2023, 1, 1)), ON) == {
        DueKind.RENEW, DueKind.VNEID_REGISTER}
    # within_days looks ahead
    r = _row(birth_date=D(2001, 3, 20), has_card=True, card_issued_on=D(2022, 1, 1), vneid_stage=3)
    assert due_kinds_for(r, ON) == set()
    assert due_kinds_for(r, ON, within_days=30) == {DueKind.RENEW}
    assert due_kinds_for(r, ON, last_card_on=D(2026, 2, 1), within_days=30) == set()
    assert due_kinds_for(_row(birth_date=D(1980, 1, 1), has_card=True, vneid_stage=1), ON) == {DueKind.VNEID_ACTIVATE}
    assert due_kinds_for(_row(birth_date=D(1980, 1, 1), has_card=True, vneid_stage=2), ON) == {DueKind.VNEID_ACTIVATE}
    assert due_kinds_for(_row(birth_date=D(1980, 1, 1), has_card=True, vneid_stage=3), ON) == set()
    for terminal in ("deceased", "moved_away", "ineligible"):
        assert due_kinds_for(_row(birth_date=D(1980, 1, 1), status=terminal), ON) == set()
    assert due_kinds_for(_row(birth_date=D(1980, 1, 1), status="deferred"), ON) == {DueKind.FIRST_CARD}


def test_year_only_birth_claims_no_age_not_yet_certain() -> None:
    # born "2012": certainly 14 only on 31-12-2026, never on 2 January
    assert due_kinds_for(_row(birth_year=2012), D(2026, 1, 2)) == set()
    assert due_kinds_for(_row(birth_year=2012), D(2026, 12, 30)) == set()
    assert due_kinds_for(_row(birth_year=2012), D(2026, 12, 31)) == {DueKind.FIRST_CARD}
    # card issued 2024-06-01 to someone born "1966": may be 58 already (window counted from 1-1) → never expires
    assert due_kinds_for(_row(birth_year=1966, has_card=True, card_issued_on=D(2024, 6, 1), vneid_stage=3), ON) == set()
    # born "2001", card of 2022: renewal at 25, certain only on 31-12-2026
    r = _row(birth_year=2001, has_card=True, card_issued_on=D(2022, 1, 1), vneid_stage=3)
    assert due_kinds_for(r, ON) == set() and due_kinds_for(r, D(2026, 12, 31)) == {DueKind.RENEW}
    assert card_expiry(D(2001, 1, 1), D(2022, 1, 1), only_year=True) == D(2026, 12, 31)
    # a card of mid-2024 may be within 2 years before 25 (if born before June 2001): taken to last to 40
    assert card_expiry(D(2001, 1, 1), D(2024, 6, 1), only_year=True) == D(2041, 12, 31)


def test_due_list_flags_and_sql(db) -> None:
    with db.session() as s:
        add_citizen(s, "Nguyễn Văn Mười Bốn", id_number="056212000001", birth_date=D(2012, 2, 1))
        add_citizen(s, "Trần Thị Đổi", id_number="056101000002", birth_date=D(2001, 1, 1),
                    card_issued_on=D(2023, 1, 1))
        add_citizen(s, "Lê Văn Năm", id_number="056066000003", birth_year=1966, card_issued_on=D(2024, 6, 1))
        c4 = add_citizen(s, "Phạm Thị Hoãn", id_number="056185000004", birth_date=D(1985, 1, 1))
        statuses.record_event(s, c4, "deferred", at=dt.datetime(2026, 2, 1, 9))
        c5 = add_citizen(s, "Võ Văn Mất", id_number="056050000005", birth_date=D(1950, 1, 1))
        statuses.record_event(s, c5, "deceased", at=dt.datetime(2026, 2, 1, 9))
        c6 = add_citizen(s, "Hồ Thị Kích", id_number="056190000006", birth_date=D(1990, 1, 1),
                         card_issued_on=D(2021, 5, 1))
        statuses.record_event(s, c6, "vneid_l2_captured", at=dt.datetime(2026, 2, 1, 9))
        add_citizen(s, "Bé Con", birth_date=D(2020, 1, 1))
        c8 = add_citizen(s, "Đặng Văn Đổi", id_number="056100000008", birth_date=D(2000, 6, 1),
                         card_issued_on=D(2021, 5, 1))
        statuses.record_event(s, c8, "card_captured", at=dt.datetime(2026, 2, 1, 9))  # renewal under way

        items = {i.citizen.full_name: i for i in due_list(s, ON)}
        assert set(items) == {"Nguyễn Văn Mười Bốn", "Trần Thị Đổi", "Lê Văn Năm", "Phạm Thị Hoãn", "Hồ Thị Kích",
                              "Đặng Văn Đổi"}
        assert items["Đặng Văn Đổi"].kinds == {DueKind.VNEID_REGISTER}  # expired, but renewal captured
        assert items["Nguyễn Văn Mười Bốn"].kinds == {DueKind.FIRST_CARD}
        assert "14 tuổi" in items["Nguyễn Văn Mười Bốn"].reason_vi
        assert items["Trần Thị Đổi"].kinds == {DueKind.RENEW, DueKind.VNEID_REGISTER}
        assert items["Trần Thị Đổi"].deadline == D(2026, 1, 1)
        assert "01/01/2026" in items["Trần Thị Đổi"].reason_vi
        assert items["Lê Văn Năm"].kinds == {DueKind.VNEID_REGISTER}
        assert items["Phạm Thị Hoãn"].flag_vi == "Tạm hoãn"
        assert items["Hồ Thị Kích"].kinds == {DueKind.VNEID_ACTIVATE}
        assert [i.citizen.full_name for i in due_list(s, ON, DueKind.RENEW)] == ["Trần Thị Đổi"]
        assert count_due(s, ON, DueKind.FIRST_CARD) == 2
        assert len(due_list(s, ON, limit=2)) == 2 and len(due_list(s, ON, offset=4)) == 2
        assert count_citizens(s, CitizenQuery(due_kind="renew", on=ON)) == 1
        # the model path looks the renewal event up by itself
        assert due_kinds_for(c8, ON) == {DueKind.VNEID_REGISTER}


def test_sql_agrees_with_python_on_demo(db) -> None:
    create_demo(db, 800, seed=11, today=ON)
    with db.session() as s:
        raw = driver_connection(s)
        for on in (ON, D(2026, 1, 1), D(2030, 6, 15)):
            mask_sql, mask_params = due_mask_sql(on)
            masks = dict(raw.execute(f"SELECT c.id, {mask_sql} FROM citizens c", mask_params).fetchall())
            for kind in DueKind:
                where, params = due_filter_sql(kind, on)
                sql_ids = {r[0] for r in raw.execute(f"SELECT c.id FROM citizens c WHERE {where}", params)}
                py_ids = {c.id for c in s.scalars(select(Citizen)) if kind in due_kinds_for(c, on)}
                assert sql_ids == py_ids, (on, kind)
                # auto-assign's one-column mask says the same as the per-kind filters
                assert {cid for cid, m in masks.items() if kind in kinds_of_mask(m)} == sql_ids, (on, kind)
                if on == ON:
                    assert sql_ids, kind  # the demo has people due of every kind
    assert tuple(DueKind) == DUE_KINDS
