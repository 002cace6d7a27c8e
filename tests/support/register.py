"""Test helper: add citizens with every derived key filled the way the register does."""

from __future__ import annotations

import datetime as dt

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name
from desktop.models import Citizen

_NOW = dt.datetime(2026, 3, 1, 8, 0)


def add_citizen(session, full_name: str, *, id_number: str | None = None, village: str = "Thôn Đông Bắc",
                phone: str | None = None, birth_date: dt.date | None = None, birth_year: int | None = None,
                card_issued_on: dt.date | None = None, status: str = "new", has_card: bool | None = None,
                vneid_stage: int = 0, old_cmnd: str | None = None) -> Citizen:
    full = nfc(full_name)
    parts = split_name(full)
    if birth_date is not None and birth_year is None:
        birth_year = birth_date.year
    search_text = " ".join(x for x in (fold(full), id_number, old_cmnd, phone, fold(village)) if x)
    c = Citizen(
        id_number=id_number, old_cmnd=old_cmnd, full_name_raw=full, full_name=full, family_name=parts.family,
        middle_name=parts.middle, given_name=parts.given, name_key=fold(full), given_key=fold(parts.given),
        sort_given=name_sort_key(full, NameOrder.GIVEN), sort_family=name_sort_key(full, NameOrder.FAMILY),
        birth_date=birth_date, birth_year=birth_year, village=nfc(village), village_key=fold(village),
        phone=phone, card_issued_on=card_issued_on, search_text=search_text, status=status,
        has_card=(card_issued_on is not None) if has_card is None else has_card, vneid_stage=vneid_stage,
        created_at=_NOW, updated_at=_NOW,
    )
    session.add(c)
    session.flush()
    return c
