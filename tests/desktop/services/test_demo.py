"""The demo commune: complete rows, valid ID numbers, cached states equal to the events, targets."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from common import idnumber
from common.vietnamese import NameOrder, fold, name_sort_key
from desktop import config
from desktop.errors import ValidationError
from desktop.models import Citizen, Point, Target
from desktop.services.demo import create_demo
from desktop.services.register import statuses

TODAY = dt.date(2026, 3, 1)


def test_demo_commune(db) -> None:
    seen = []
    out = create_demo(db, 3000, seed=6, today=TODAY, progress=lambda d, t: seen.append((d, t)))
    assert out.citizens == 3000 and out.events > 1000 and 6 <= len(out.villages) <= 12
    assert seen[-1] == (3000, 3000)
    with db.session() as s:
        c = config.commune(s)
        assert c is not None and c.demo and c.code == "22366" and c.province_code == "56"
        points = list(s.scalars(select(Point)))
        assert 3 <= len(points) <= 4 and sum(p.kind == "office" for p in points) == 1
        assert {t.indicator for t in s.scalars(select(Target))} == {"card_captured", "vneid_l2_captured",
                                                                    "vneid_activated"}
        citizens = list(s.scalars(select(Citizen)))
        surnames = Counter(c.family_name for c in citizens)
        assert 0.33 < surnames["Nguyễn"] / len(citizens) < 0.43
        assert {"Thuý", "Thúy"} <= {c.given_name for c in citizens}
        missing_id = 0
        for c in citizens:
            assert c.name_key == fold(c.full_name) and c.given_key == fold(c.given_name)
            assert c.sort_given == name_sort_key(c.full_name, NameOrder.GIVEN)
            assert c.sort_family == name_sort_key(c.full_name, NameOrder.FAMILY)
            assert c.village_key == fold(c.village) and c.search_text.startswith(c.name_key)
            if c.id_number:
                assert idnumber.check_against(idnumber.parse(c.id_number), c.birth_year, c.sex) == []
                assert c.id_number in c.search_text
            else:
                missing_id += 1
        assert 0 < missing_id < len(citizens) * 0.1
        assert any(c.needs_home_visit for c in citizens) and any(c.birth_date is None for c in citizens)
        statuses_seen = Counter(c.status for c in citizens)
        for st in ("new", "scheduled", "card_captured", "vneid_l2_captured", "vneid_approved", "vneid_activated",
                   "no_show"):
            assert statuses_seen[st] > 0, st
        # the cached columns are exactly what the events say
        for c in citizens[:400]:
            cached = statuses.state_of(c)
            assert statuses.rebuild_state(s, c) == cached
            for e in statuses.history(s, c.id):
                assert TODAY - dt.timedelta(days=31) <= e.occurred_on <= TODAY
        n_fts = s.connection().exec_driver_sql(
            "SELECT count(*) FROM citizens_fts WHERE citizens_fts MATCH '\"nguyen\"'").scalar()
        assert n_fts == sum(1 for c in citizens if "nguyen" in c.search_text)
        # the insert trigger is back: a new citizen is found by substring at once
        trig = s.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name='citizens_fts_ai'").scalar()
        assert trig == 1


def test_demo_refuses_a_register_with_data(db) -> None:
    create_demo(db, 50, today=TODAY)
    with pytest.raises(ValidationError):
        create_demo(db, 50, today=TODAY)


def test_demo_is_deterministic(tmp_path) -> None:
    from desktop.storage.db import open_database

    names = []
    for i in range(2):
        db = open_database(tmp_path / f"d{i}.db", encrypted=False)
        create_demo(db, 200, seed=9, today=TODAY)
        with db.session() as s:
            names.append([(c.full_name, c.id_number, c.status) for c in s.scalars(select(Citizen).order_by(Citizen.id))])
        db.close()
    assert names[0] == names[1]
