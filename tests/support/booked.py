"""One session with four people booked, each needing a different first step (slips and lists say which)."""

from __future__ import annotations

import datetime as dt
import itertools

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name
from desktop import config
from desktop.models import Appointment, Citizen, Point
from desktop.services import scheduling
from desktop.storage.db import Database

BOOKED_DAY = dt.date(2026, 3, 5)
DAY = BOOKED_DAY

_serial = itertools.count(1)


def _citizen(s, name: str, *, has_card: bool, stage: int, issued: dt.date | None = None) -> Citizen:
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


def book_four_people(db: Database) -> tuple[Database, int]:
    """Four people at one session, one for each purpose the slips word differently; (db, session id)."""
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
