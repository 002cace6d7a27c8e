"""Walk-ins and edits: the same rules as an import row, through validate/add/update_citizen."""

from __future__ import annotations

import datetime as dt

import pytest

from common import idnumber
from desktop.errors import ValidationError
from desktop.models import AuditEntry, Citizen
from desktop.services.register import citizens as register
from desktop.services.register import statuses
from tests.support.import_files import fts_ids, fts_integrity


def test_validate_citizen_rules():
    rec, issues = register.validate_citizen(
        {"full_name": "  nguyễn   văn  an ", "birth_date": "02/03/1985", "sex": "Nam",
         "id_number": idnumber.make("001", 1985, "M", 5), "phone": "+84 912 345 678", "village": "Thôn 1"}
    )
    assert rec is not None and not issues
    assert rec.full_name == "nguyễn văn an" and rec.phone == "0912345678"
    assert rec.birth_date == dt.date(1985, 3, 2) and rec.birth_year == 1985
    rec, issues = register.validate_citizen({"full_name": "A", "birth_date": dt.date(1990, 1, 1),
                                             "id_number": idnumber.make("001", 1985, "M", 5)})
    assert rec is None and issues[0].field == "id_number"
    rec, issues = register.validate_citizen({"full_name": "B", "birth_year": 1990, "sex": "F",
                                             "phone": "12345"})
    assert rec is not None and rec.birth_year == 1990 and rec.sex == "F"
    assert [i.severity for i in issues] == ["warning"]
    rec, issues = register.validate_citizen({"full_name": ""})
    assert rec is None and issues[0].field == "full_name"


def test_add_citizen_and_duplicate_id(db):
    number = idnumber.make("056", 2000, "F", 42)
    with db.session() as s:
        c = register.add_citizen(s, {"full_name": "Lê Thị Hồng", "birth_date": "05/05/2000", "sex": "Nữ",
                                     "id_number": number, "village": "Thôn Đông"}, operator_id=None)
        cid = c.id
        assert (c.status, c.has_card, c.vneid_stage) == ("new", False, 0)
        assert c.search_text == f"le thi hong {number} thon dong"
        assert s.query(AuditEntry).filter_by(action="citizen_add", entity_id=cid).count() == 1
    with db.session() as s, pytest.raises(ValidationError) as info:
        register.add_citizen(s, {"full_name": "Người Khác", "id_number": number})
    assert info.value.field == "id_number" and "đã có" in info.value.message
    with db.session() as s, pytest.raises(ValidationError) as info:
        register.add_citizen(s, {"full_name": "Người Khác", "birth_date": "31/02/2000"})
    assert info.value.field == "birth_date" and info.value.message.startswith("Ngày sinh:")
    assert cid in fts_ids(db, "hong")


def test_walk_in_without_id_flagged_as_possible_duplicate(db):
    with db.session() as s:
        a = register.add_citizen(s, {"full_name": "Đỗ Văn Nam", "birth_year": 1970, "village": "Xóm 3"})
        b = register.add_citizen(s, {"full_name": "ĐỖ VĂN NAM", "birth_year": 1970, "village": "xóm 3"})
        c = register.add_citizen(s, {"full_name": "Đỗ Văn Nam", "birth_year": 1971, "village": "Xóm 3"})
        assert a.possible_duplicate_of is None
        assert b.possible_duplicate_of == a.id
        assert c.possible_duplicate_of is None


def test_update_citizen_partial_and_keeps_status(db):
    number = idnumber.make("056", 1990, "M", 7)
    with db.session() as s:
        c = register.add_citizen(s, {"full_name": "Phạm Văn Bốn", "birth_date": "01/01/1990",
                                     "id_number": number, "phone": "0912000111"})
        statuses.record_event(s, c, "card_captured")
        cid = c.id
    with db.session() as s:
        c = register.update_citizen(s, cid, {"full_name": "Phạm Văn Năm", "phone": ""})
        assert c.full_name == "Phạm Văn Năm" and c.given_key == "nam" and c.phone is None
        assert c.id_number == number and c.birth_date == dt.date(1990, 1, 1)
        assert (c.status, c.has_card) == ("card_captured", True)
    with db.session() as s, pytest.raises(ValidationError) as info:
        register.update_citizen(s, cid, {"birth_date": "01/01/1991"})  # disagrees with the ID number
    assert info.value.field == "id_number"
    with db.session() as s:
        c = register.update_citizen(s, cid, {"birth_year": 1990})
        assert c.birth_date is None and c.birth_year == 1990
    assert cid in fts_ids(db, "pham van nam")
    assert cid not in fts_ids(db, "van bon")
    fts_integrity(db)
    with db.session() as s:
        assert s.get(Citizen, cid).updated_at is not None
