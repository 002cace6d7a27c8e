"""Test helpers for the scheduling, check-in, indicator and progress tests: points, citizens, sessions.

Citizens are inserted directly (every NOT NULL column filled the way the register fills it), so these
tests do not depend on the import engineer's validation rules.
"""

from __future__ import annotations

import datetime as dt
import itertools

from common import idnumber
from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name
from desktop.models import Citizen, Point

_serial = itertools.count(1)


def add_point(s, code: str = "P1", name: str = "Nhà văn hóa thôn Đông", kind: str = "mobile") -> Point:
    p = Point(code=code, name=name, address="", kind=kind, active=True)
    s.add(p)
    s.flush()
    return p


def add_citizen(
    s,
    name: str,
    *,
    village: str = "Thôn Đông",
    birth_year: int | None = 1990,
    birth_date: dt.date | None = None,
    sex: str = "M",
    id_number: str | None | bool = True,
    elderly: bool = False,
    disabled: bool = False,
    needs_home_visit: bool = False,
    has_card: bool = False,
    card_issued_on: dt.date | None = None,
    vneid_stage: int = 0,
    status: str = "new",
    phone: str | None = None,
    flush: bool = True,
) -> Citizen:
    if id_number is True:
        id_number = idnumber.make("001", birth_year, sex, next(_serial) * 7919 % 1_000_000)
    name = nfc(name)
    parts = split_name(name)
    now = dt.datetime(2025, 1, 1, 8, 0)
    c = Citizen(
        id_number=id_number or None, full_name_raw=name, full_name=name, family_name=parts.family,
        middle_name=parts.middle, given_name=parts.given, name_key=fold(name), given_key=fold(parts.given),
        sort_given=name_sort_key(name, NameOrder.GIVEN), sort_family=name_sort_key(name, NameOrder.FAMILY),
        birth_date=birth_date, birth_year=birth_year, sex=sex, village=nfc(village), village_key=fold(village),
        address="", phone=phone, needs_home_visit=needs_home_visit, elderly=elderly, disabled=disabled,
        card_issued_on=card_issued_on, note="",
        search_text=" ".join(x for x in (fold(name), id_number or "", phone or "", fold(village)) if x),
        status=status, has_card=has_card, vneid_stage=vneid_stage, created_at=now, updated_at=now,
    )
    s.add(c)
    if flush:
        s.flush()
    return c
