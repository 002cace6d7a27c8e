"""Issue 11 item 9: words on paper since 1 July 2024, read back from real PDFs with pypdf.

The card is "thẻ căn cước" (CCCD only for old cards), a renewal is "cấp đổi", and a citizen booked only to
activate VNeID gets a slip that says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

import pytest
from test_print_support import page_texts

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name
from desktop import config
from desktop.models import Appointment, Citizen, Point
from desktop.printing.text import card_name, printed_purpose
from desktop.services import scheduling
from desktop.services.documents import printouts

DAY = dt.date(2026, 3, 5)
_serial = itertools.count(1)


def _citizen(s, name: str, *, has_card: bool, stage: int, issued: dt.date | None = None) -> Citizen:  # type: ignore[no-untyped-def]
    name = nfc(name)
    p = split_name(name)
    now = dt.datetime(2025, 1, 1, 8)
    c = Citizen(id_number=f"05619{next(_serial):07d}", full_name_raw=name, full_name=name, family_name=p.family,
                middle_name=p.middle, given_name=p.given, name_key=fold(name), given_key=fold(p.given),
                sort_given=name_sort_key(name, NameOrder.GIVEN), sort_family=name_sort_key(name, NameOrder.FAMILY),
                birth_year=1980, village="Buôn Ko Sier", village_key=fold("Buôn Ko Sier"), created_at=now,
                updated_at=now, has_card=has_card, vneid_stage=stage, card_issued_on=issued)
    s.add(c)
    s.flush()
    return c


PEOPLE = [
    # name, has card, VNeID stage, booked purpose, words the slip must carry
    ("Y Bih Niê Kdăm", False, 0, "card", "Cấp thẻ căn cước lần đầu"),
    ("Nguyễn Thị Thuý", True, 0, "card", "Cấp đổi thẻ căn cước"),
    ("Trần Văn Bình", True, 0, "vneid", "Đăng ký tài khoản định danh điện tử mức 2 (VNeID)"),
    ("H'Hen Niê", True, 2, "vneid", "Kích hoạt tài khoản định danh điện tử (VNeID)"),
]


@pytest.fixture
def booked(db):  # type: ignore[no-untyped-def]
    with db.session() as s:
        config.set_commune(s, config.Commune("24358", "Xã Ea Kao", "66", "Đắk Lắk"))
        point = Point(code="P1", name="Nhà văn hóa buôn Ko Sier", address="", kind="mobile", active=True)
        s.add(point)
        s.flush()
        es = scheduling.create_enrollment_session(s, point_id=point.id, day=DAY, start="07:30", end="11:00")
        for name, has_card, stage, purpose, _words in PEOPLE:
            c = _citizen(s, name, has_card=has_card, stage=stage, issued=dt.date(2016, 5, 1) if has_card else None)
            s.add(Appointment(code=scheduling.new_appointment_code(s), citizen_id=c.id, session_id=es.id,
                              slot_start=dt.time(7, 30), purpose=purpose, state="booked",
                              created_at=dt.datetime(2026, 3, 1, 8)))
        s.flush()
        return db, es.id


def test_slips_say_first_card_renewal_register_or_activate(booked) -> None:  # type: ignore[no-untyped-def]
    db, es_id = booked
    with db.session() as s:
        pdf = printouts.slips_pdf(s, printouts.Selection(enrollment_session_id=es_id), "a6")
    text = unicodedata.normalize("NFC", "\n".join(page_texts(pdf)))
    flat = " ".join(text.split())
    for name, _card, _stage, _purpose, words in PEOPLE:
        assert name in flat
        assert words in flat, words
    assert "CCCD" not in flat and "Căn cước" not in flat  # the new card's name, in lower case
    assert "Điện thoại đã cài ứng dụng VNeID" in flat  # what the activation-only citizen brings
    assert "Thẻ căn cước hoặc thẻ căn cước công dân đang dùng" in flat  # what a renewal brings


def test_printed_purpose_and_card_name() -> None:
    assert printed_purpose("card", False, 0) == "card_first"
    assert printed_purpose("card", True, 0) == "card_renew"
    assert printed_purpose("both", True, 0) == "both_renew"
    assert printed_purpose("vneid", True, 0) == "vneid"
    assert printed_purpose("vneid", True, 1) == "vneid_activate"
    assert card_name(dt.date(2024, 6, 30)) == "thẻ căn cước công dân"
    assert card_name(dt.date(2024, 7, 1)) == "thẻ căn cước" and card_name(None) == "thẻ căn cước"
