"""The demo commune reads as real (villages, given names, birth places, every point used)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from common import idnumber
from common.vietnamese import fold
from desktop.models import Citizen, Point, StatusEvent
from desktop.services.demo import GIVEN_F, GIVEN_M, create_demo
from desktop.services.register.village_names import village_problem
from sync import communes

TODAY = dt.date(2026, 3, 1)
# Given names that do not exist or are not given names (the old demo had "Ẩn", "Ửng").
NOT_GIVEN_NAMES = {"Ẩn", "Ửng", "Ủ"}


@pytest.mark.parametrize(("code", "words"), [
    ("24175", {"buon", "bon", "lang", "plei", "thon"}),  # Xã Hòa Phú, Đắk Lắk: Central Highlands
    ("4000", {"ban", "thon", "xom", "tieu"}),  # Xã Đoàn Kết, Sơn La: northern mountains
    ("32167", {"ap", "khom", "phum", "soc"}),  # Xã Tân Thuận, Cà Mau: Mekong delta
    ("22366", {"to", "khu", "thon"}),  # Phường Nha Trang: tổ dân phố, khu phố (and thôn taken in in 2025)
])
def test_villages_births_and_points(db, code, words) -> None:
    out = create_demo(db, 2000, seed=11, today=TODAY, commune_code=code)
    rec = communes.by_code(code)
    assert rec is not None
    home = set(idnumber.birth_codes_of_2025_province(rec.province_code))
    assert home and home <= set(idnumber.PROVINCE_CODES)
    for v in out.villages:
        assert fold(v).split()[0] in words, v
        assert "Ấp Ủ" not in v and village_problem(v) is None
    with db.session() as s:
        citizens = list(s.scalars(select(Citizen).where(Citizen.id_number.is_not(None))))
        places = Counter(c.id_number[:3] for c in citizens)
        share = sum(n for p, n in places.items() if p in home) / len(citizens)
        assert 0.78 < share < 0.92, share  # mostly born in the commune's (2025) province
        assert all(p in idnumber.PROVINCE_CODES for p in places)
        given = {c.given_name for c in s.scalars(select(Citizen))}
        assert not (given & NOT_GIVEN_NAMES)
        # every point takes part in the month of events
        used = dict(s.execute(select(StatusEvent.point_id, func.count()).group_by(StatusEvent.point_id)).all())
        for p in s.scalars(select(Point)):
            assert used.get(p.id, 0) > 0, p.code


def test_name_lists_are_real_given_names() -> None:
    assert not (set(GIVEN_M) | set(GIVEN_F)) & NOT_GIVEN_NAMES


def test_2025_provinces_cover_the_63_codes() -> None:
    assert set(idnumber.PROVINCES_2025_FROM) == {str(int(c)) for c in communes.provinces()}
    assert idnumber.birth_codes_of_2025_province("56") == ("056", "058")  # Khánh Hòa + Ninh Thuận
    assert idnumber.birth_codes_of_2025_province("79") == ("079", "074", "077")
