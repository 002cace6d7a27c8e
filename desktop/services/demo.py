"""A realistic demo commune: points, villages, citizens with Vietnamese names and valid ID numbers, and a
month of status events. Used by the first-run "try it" button, by tests and by every benchmark.

Built for speed (200,000 citizens in seconds): rows are generated in Python and inserted with
`executemany` through the raw DB-API connection in one transaction. Every stored event sequence is
replayed through `statuses.derive_state()`, so the cached status columns equal what the events say.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from common import idnumber
from common.dates import add_years
from common.vietnamese import NameOrder, fold, name_sort_key, nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Point, Target
from desktop.services.register import points
from desktop.services.register.statuses import State, derive_state
from desktop.storage.db import Database
from sync import communes

DEFAULT_COMMUNE_CODE = "22366"  # Phường Nha Trang, Khánh Hòa (56)

# Surname frequencies (per cent of the population), after published estimates.
SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 2.6), ("Huỳnh", 2.4),
    ("Phan", 4.5), ("Vũ", 1.9), ("Võ", 2.0), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.8), ("Đoàn", 0.8), ("Trương", 0.9), ("Lâm", 0.6),
    ("Mai", 0.6), ("Cao", 0.5), ("Lương", 0.5), ("Hà", 0.5), ("Tạ", 0.3), ("Châu", 0.4), ("Thái", 0.3),
    ("Tô", 0.3), ("Lưu", 0.3), ("Quách", 0.2), ("Kiều", 0.2), ("Âu", 0.1), ("Ông", 0.1), ("Ưng", 0.1),
]
MIDDLE_M = [("Văn", 30), ("Đức", 8), ("Minh", 9), ("Quốc", 6), ("Hữu", 6), ("Công", 5), ("Thanh", 5),
            ("Ngọc", 4), ("Xuân", 4), ("Hoàng", 4), ("Anh", 3), ("Gia", 3), ("Tấn", 4), ("Trọng", 3),
            ("Quang", 4), ("Đình", 4), ("Bá", 2), ("Duy", 3), ("Văn Minh", 1), ("Hữu Quốc", 1), ("", 3)]
MIDDLE_F = [("Thị", 38), ("Ngọc", 8), ("Thanh", 6), ("Thu", 5), ("Kim", 5), ("Mỹ", 4), ("Bích", 3),
            ("Thùy", 3), ("Hồng", 4), ("Phương", 3), ("Minh", 3), ("Bảo", 3), ("Khánh", 2), ("Ánh", 2),
            ("Diệu", 2), ("Thị Ngọc", 3), ("Thị Thanh", 2), ("Thị Kim", 2), ("", 2)]
# Given names in common use (tone placements Hòa/Hoà, Thúy/Thuý both occur in real registers, on purpose).
GIVEN_M = ["Anh", "Bảo", "Bình", "Cường", "Dũng", "Dương", "Đạt", "Đức", "Hải", "Hào", "Hiếu", "Hòa", "Hoà", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang", "Quốc", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Trường", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưởng", "Quyết", "Thuận", "Nguyên", "Luân", "Đông", "Huỳnh", "Thuỵ", "Lực", "Ân", "Ước", "Hậu", "Lợi", "Tú"]
GIVEN_F = ["Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa", "Hoà", "Hồng", "Huệ", "Hương", "Hường", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nguyệt", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thanh", "Thảo", "Thu", "Thúy", "Thuý", "Thủy", "Thuỷ", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Luyến", "Khuê", "Tuyết", "Ðào", "Đào", "Ân", "Ý", "Hậu", "Ly"]
GIVEN_F = [g.replace("Ð", "Đ") for g in GIVEN_F]  # keep the letter Đ (U+0110), never the look-alike Ð
# Villages as each region names them (thôn and tổ dân phố everywhere; buôn, bon, làng, plei in the Central
# Highlands; bản in the northern mountains; ấp, khóm, phum, sóc in the Mekong delta; khối phố, tiểu khu in
# some towns). Names are the common ones of real villages; numbered tổ dân phố sort naturally (2 before 10).
VILLAGES = ["Thôn Đông Bắc", "Thôn Tây Nam", "Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3",
            "Tổ dân phố 4", "Thôn Phước Hoà", "Thôn Xương Huân", "Tổ dân phố Vĩnh Điềm", "Thôn Ngọc Hiệp",
            "Tổ dân phố Cầu Đá", "Tổ dân phố 10"]
VILLAGES_BY_REGION: dict[str, list[str]] = {
    "highlands": ["Buôn Ko Sier", "Buôn Ea Kmar", "Thôn 1", "Thôn 3", "Buôn Kơ Êmông", "Bon Bu Dăr",
                  "Làng Plei Ơi", "Thôn Tân Lập", "Buôn Tơng Jú", "Plei Kép", "Thôn Hòa Bình", "Bon N'Jriêng"],
    "north": ["Bản Nà Phát", "Bản Hua Pàu", "Thôn Tân Lập", "Bản Co Mạ", "Xóm Đồng Tâm", "Bản Pá Khoang",
              "Thôn Bình Minh", "Bản Nà Nghịu", "Tiểu khu 2", "Bản Mường Lay", "Thôn Đoàn Kết", "Tiểu khu 10"],
    "delta_south": ["Ấp Tân Lợi", "Ấp Mỹ Phú", "Ấp Bình Hòa", "Khóm 2", "Ấp Long Thạnh", "Sóc Xoài",
                    "Ấp Phú Hữu", "Khóm 10", "Phum Trà Tim", "Ấp Thạnh Lợi", "Ấp An Bình", "Ấp Vĩnh Phước"],
    "north_central": ["Thôn Đông", "Thôn Trung", "Thôn Đoài", "Xóm Mới", "Thôn Phú Lộc", "Khối phố 2",
                      "Thôn Yên Thịnh", "Thôn Hòa Bình", "Khối phố 10", "Thôn Tân Hưng", "Xóm Chùa", "Thôn Bắc Sơn"],
    "coast": VILLAGES,
}
_REGION_OF_PROVINCE = {
    **dict.fromkeys(("66", "52", "68", "51"), "highlands"),
    **dict.fromkeys(("4", "8", "11", "12", "14", "15", "19", "20", "25"), "north"),
    **dict.fromkeys(("80", "82", "86", "91", "92", "96", "75", "79"), "delta_south"),
    **dict.fromkeys(("1", "22", "24", "31", "33", "37", "38", "40", "42", "44"), "north_central"),
}
# A phường of 2025 often took in rural communes: their thôn stay thôn.
URBAN_VILLAGES = ["Tổ dân phố 1", "Tổ dân phố 2", "Thôn Võ Cạnh", "Tổ dân phố 3", "Khu phố Đông Hải",
                  "Thôn Xuân Ngọc", "Tổ dân phố 4", "Khu phố Tây Sơn", "Tổ dân phố 7", "Tổ dân phố 8",
                  "Khu phố Phước Hòa", "Tổ dân phố 10"]
BIRTHS_IN_PROVINCE = 0.85  # share of citizens whose number carries one of the commune's province's codes


def villages_for(commune_name: str, province_code: str) -> list[str]:
    """Village names fitting the commune: tổ dân phố / khu phố in a phường, the region's words elsewhere."""
    if commune_name.startswith("Phường"):
        return URBAN_VILLAGES
    return VILLAGES_BY_REGION[_REGION_OF_PROVINCE.get(str(int(province_code)), "coast")]
STREETS = ["Trần Phú", "Lê Thánh Tôn", "Nguyễn Thiện Thuật", "Hùng Vương", "Yersin", "Thống Nhất",
           "Phước Long", "Đặng Tất", "2 Tháng 4", "Bạch Đằng"]
# Age bands (5 years) of Vietnam's 2024 population pyramid, per cent.
AGE_BANDS = [7.3, 8.0, 7.8, 7.0, 6.9, 7.6, 8.1, 8.0, 7.4, 6.8, 6.0, 5.3, 4.7, 3.6, 2.5, 1.5, 1.0, 0.6, 0.4]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "032", "033", "034",
                  "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "083", "085"]

# Event scripts (valid sequences under statuses.apply) with weights, per situation.
_NO_CARD = [
    ((), 38), (("scheduled",), 14), (("scheduled", "no_show"), 5), (("scheduled", "no_show", "rescheduled"), 3),
    (("scheduled", "attended", "card_captured"), 15),
    (("scheduled", "attended", "card_captured", "vneid_l2_captured"), 9),
    (("scheduled", "attended", "card_captured", "vneid_l2_captured", "vneid_approved"), 4),
    (("scheduled", "attended", "card_captured", "vneid_l2_captured", "vneid_approved", "vneid_activated"), 3),
    (("card_captured",), 4), (("deferred",), 2), (("scheduled", "deferred"), 1), (("moved_away",), 1),
    (("ineligible",), 0.5),
]
_WITH_CARD = [
    ((), 33), (("scheduled",), 9), (("scheduled", "no_show"), 3), (("vneid_l2_captured",), 18),
    (("vneid_l2_captured", "vneid_approved"), 10), (("vneid_l2_captured", "vneid_approved", "vneid_activated"), 15),
    (("scheduled", "attended", "vneid_l2_captured"), 4), (("vneid_l2_captured", "rejected"), 1),
    (("rejected",), 1), (("card_captured",), 2), (("deferred",), 1.5), (("moved_away",), 1),
]
_CHILD = [((), 97), (("card_captured",), 2), (("scheduled", "attended", "card_captured"), 1)]
_OLD = [((), 70), (("deceased",), 2), (("scheduled",), 8), (("vneid_l2_captured",), 10),
        (("vneid_l2_captured", "vneid_approved", "vneid_activated"), 6), (("deferred",), 4)]

CITIZEN_COLUMNS = (
    "id", "id_number", "old_cmnd", "full_name_raw", "full_name", "family_name", "middle_name", "given_name",
    "name_key", "given_key", "sort_given", "sort_family", "birth_date", "birth_year", "sex", "village",
    "village_key", "address", "phone", "needs_home_visit", "elderly", "disabled", "card_issued_on", "note",
    "search_text", "possible_duplicate_of", "status", "has_card", "vneid_stage", "created_at", "updated_at",
)
EVENT_COLUMNS = ("citizen_id", "event_type", "occurred_at", "occurred_on", "point_id", "operator_id",
                 "appointment_id", "note", "recorded_at")


@dataclass
class DemoSummary:
    commune_code: str
    commune_name: str
    province_code: str
    citizens: int
    events: int
    points: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Picker:
    """Weighted choice with a precomputed cumulative table (random.choices per call is slower)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:  # items are strings, ages, tuples: one picker each
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _pick(pairs: list[tuple]) -> _Picker:
    return _Picker([p[0] for p in pairs], [p[1] for p in pairs])


@lru_cache(maxsize=4096)
def _state_of(script: tuple[str, ...], card_known: bool) -> State:
    return derive_state(list(script), card_known=card_known)


def _dt(d: dt.datetime) -> str:
    """SQLAlchemy's SQLite DateTime storage format (whole seconds here)."""
    return d.isoformat(" ") + ".000000"


def _points_for(commune_name: str, villages: list[str]) -> list[tuple[str, str, str, str]]:
    base = commune_name.replace("Phường ", "").replace("Xã ", "").replace("Đặc khu ", "")
    return [
        (points.HEADQUARTERS_CODE, f"Trụ sở Công an {commune_name}", f"Trụ sở UBND {commune_name}", "office"),
        ("NVH-01", f"Nhà văn hóa {villages[0].lower()[:1]}{villages[0][1:]}", villages[0], "mobile"),
        ("THCS-01", f"Trường THCS {base}", villages[min(3, len(villages) - 1)], "mobile"),
        ("NVH-02", f"Nhà văn hóa {villages[-1].lower()[:1]}{villages[-1][1:]}", villages[-1], "mobile"),
    ]


@declares(Changes.everything())
def create_demo(
    db: Database,
    citizens: int = 2000,
    seed: int = 6,
    *,
    commune_code: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill an empty commune database with a demo commune; refuses a database that has citizens."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    today = today or dt.date.today()
    rec = _demo_commune(db, commune_code)
    if citizens < 0:
        raise ValidationError("citizens", str(citizens), "Số công dân phải không âm",
                              en="The number of citizens must not be negative")
    villages, point_ids = _set_up_commune(db, rec, rng)
    people = _DemoPeople(rng, today, rec.province_code, villages, point_ids)
    n_events = _write_people(db, people.rows(citizens, progress))
    if progress:
        progress(citizens, citizens)
    targets = _set_targets(db, people, citizens)
    with db.engine.connect() as c:
        c.exec_driver_sql("PRAGMA optimize")
    return DemoSummary(
        rec.code, rec.name, rec.province_code, citizens, n_events,
        [p[0] for p in _points_for(rec.name, villages)], villages, targets, time.perf_counter() - t0,
    )


def _demo_commune(db: Database, commune_code: str | None) -> communes.CommuneRecord:
    """The commune to fill: the one given, the one chosen at first run, or the default demo commune."""
    if commune_code is None:
        with db.session() as s:
            current = config.commune(s)
        commune_code = current.code if current and communes.by_code(current.code) else DEFAULT_COMMUNE_CODE
    rec = communes.by_code(commune_code)
    if rec is None:
        raise ValidationError("commune_code", commune_code, f"Không có xã/phường mã {commune_code}",
                              en=f"There is no commune with code {commune_code}")
    return rec


def _set_up_commune(db: Database, rec: communes.CommuneRecord, rng: random.Random) -> tuple[list[str], list[int]]:
    """The commune's settings, villages and points on an empty register: (villages, point ids)."""
    with db.session() as s:
        if s.connection().exec_driver_sql("SELECT count(*) FROM citizens").scalar():
            raise ValidationError(
                "citizens", None, "Cơ sở dữ liệu đã có công dân: chỉ tạo dữ liệu mẫu trên cơ sở dữ liệu trống",
                en="The database already has citizens: demo data is only created in an empty database",
            )
        config.set_commune(s, config.Commune(rec.code, rec.name, rec.province_code, rec.province_name, demo=True))
        n_villages = 6 + rng.randrange(7)
        villages = [nfc(v) for v in villages_for(rec.name, rec.province_code)[:n_villages]]
        point_ids = []
        for code, name, address, kind in _points_for(rec.name, villages):
            p = s.scalar(select(Point).where(Point.code == code))
            if p is None:
                p = Point(code=code, name=nfc(name), address=nfc(address), kind=kind, active=True)
                s.add(p)
                s.flush()
            point_ids.append(p.id)
    return villages, point_ids


CitizenRow = tuple[tuple[object, ...], list[tuple[object, ...]]]


class _DemoPeople:
    """The demo's people, drawn one after another from one seeded generator (the same seed, the same
    commune): names, ages, numbers, cards and an event history each."""

    def __init__(self, rng: random.Random, today: dt.date, province_code: str, villages: list[str],
                 point_ids: list[int]) -> None:
        self.rng, self.today, self.villages, self.point_ids = rng, today, villages, point_ids
        self.now = dt.datetime.combine(today, dt.time(17, 30))
        self.village_pick = _Picker(list(range(len(villages))), [rng.uniform(0.5, 1.5) for _ in villages])
        # Each village goes to a mobile point in turn (every one is used), every fourth to the office.
        mobiles = point_ids[1:] or point_ids
        self.village_point = [point_ids[0] if i % 4 == 3 else mobiles[i % len(mobiles)] for i in range(len(villages))]
        self.village_keys = [fold(v) for v in villages]
        self.surname, self.mid_m, self.mid_f = _pick(SURNAMES), _pick(MIDDLE_M), _pick(MIDDLE_F)
        self.age_band = _Picker(list(range(len(AGE_BANDS))), AGE_BANDS)
        # Birth places: mostly the pre-2025 provinces that form the commune's 2025 province, else anywhere.
        home_places = list(idnumber.birth_codes_of_2025_province(province_code)) or ["056"]
        self.other_places = [c for c in idnumber.PROVINCE_CODES if c not in home_places]
        home_weights = [6.0] + [1.0] * (len(home_places) - 1)  # the province that kept the name is the larger part
        self.home_pick = _Picker(home_places, home_weights)
        self.scripts = {"no_card": _pick(_NO_CARD), "card": _pick(_WITH_CARD), "child": _pick(_CHILD),
                        "old": _pick(_OLD)}
        self.used_ids: set[str] = set()
        self.name_cache: dict[tuple[str, str, str], tuple[str, str, str, str, str]] = {}
        self.adults = self.adult_no_card = 0

    def name_fields(self, fam: str, mid: str, given: str) -> tuple[str, str, str, str, str]:
        """full name, name_key, given_key, sort_given, sort_family; names repeat, so computed once each."""
        got = self.name_cache.get((fam, mid, given))
        if got is None:
            full = " ".join(w for w in (fam, mid, given) if w)
            got = (full, fold(full), fold(given), name_sort_key(full, NameOrder.GIVEN),
                   name_sort_key(full, NameOrder.FAMILY))
            self.name_cache[(fam, mid, given)] = got
        return got

    def rows(self, citizens: int, progress: Callable[[int, int], None] | None) -> Iterator[CitizenRow]:
        step = max(1, min(10_000, citizens // 20))  # about twenty steps: a small demo moves its bar too
        for cid in range(1, citizens + 1):
            yield self.person(cid)
            if progress and cid % step == 0 and cid < citizens:
                progress(cid, citizens)

    def id_number(self, age: int, birth: dt.date, sex: str) -> str | None:
        """A unique 12-digit number (a few young children and others have none yet)."""
        rng = self.rng
        if rng.random() <= (0.12 if age < 6 else 0.04):
            return None
        place = self.home_pick(rng) if rng.random() < BIRTHS_IN_PROVINCE else rng.choice(self.other_places)
        while True:
            number = idnumber.make(place, birth.year, sex, rng.randrange(1_000_000))
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def card_issued(self, age: int, birth: dt.date) -> dt.date | None:
        """Most chip cards date from the 2021–2022 campaign; the rest spread to last month."""
        rng = self.rng
        if not (age >= 14 and rng.random() < 0.82):
            return None
        lo = max(add_years(birth, 14), dt.date(2016, 1, 1))
        if rng.random() < 0.6 and lo <= dt.date(2022, 6, 30):
            lo = max(lo, dt.date(2021, 3, 1))
            span = (dt.date(2022, 6, 30) - lo).days
        else:
            span = (self.today - dt.timedelta(days=40) - lo).days
        return lo + dt.timedelta(days=rng.randrange(span)) if span > 0 else None

    def script(self, age: int, card_issued: dt.date | None) -> tuple[str, ...]:
        """What happened to this person lately (an event script by age and card)."""
        if age < 14:
            return self.scripts["child"](self.rng)
        if age >= 75:
            script: tuple[str, ...] = self.scripts["old"](self.rng)
            return () if card_issued is None and script and script[0].startswith("vneid") else script
        return self.scripts["no_card" if card_issued is None else "card"](self.rng)

    def person(self, cid: int) -> CitizenRow:
        """One citizen row and its status events, ready for the bulk insert."""
        rng, today, now = self.rng, self.today, self.now
        sex = "M" if rng.random() < 0.495 else "F"
        fam = self.surname(rng)
        mid = self.mid_m(rng) if sex == "M" else self.mid_f(rng)
        given = rng.choice(GIVEN_M if sex == "M" else GIVEN_F)
        full, name_key, given_key, sort_given, sort_family = self.name_fields(fam, mid, given)
        age = self.age_band(rng) * 5 + rng.randrange(5)
        birth = today - dt.timedelta(days=age * 365 + rng.randrange(365) + age // 4)
        year_only = age >= 60 and rng.random() < 0.12
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        vi = self.village_pick(rng)
        village = self.villages[vi]
        id_number = self.id_number(age, birth, sex)
        old_cmnd = f"22{rng.randrange(10_000_000):07d}" if age >= 25 and rng.random() < 0.3 else None
        phone = None
        if 16 <= age <= 82 and rng.random() < 0.86:
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
        elderly = age >= 75
        disabled = rng.random() < 0.012
        needs_home = (age >= 80 and rng.random() < 0.6) or (disabled and rng.random() < 0.7)
        card_issued = self.card_issued(age, birth)
        script = self.script(age, card_issued)
        if age >= 14:
            self.adults += 1
            self.adult_no_card += card_issued is None
        events = _timeline(rng, script, now, self.village_point[vi], self.point_ids[0])
        state = _state_of(tuple(e[0] for e in events), card_issued is not None)
        created = now - dt.timedelta(days=60 + rng.randrange(300), minutes=rng.randrange(600))
        updated = events[-1][1] if events else created
        search_text = " ".join(x for x in (name_key, id_number, old_cmnd, phone, self.village_keys[vi]) if x)
        return (
            cid, id_number, old_cmnd, full, full, fam, mid, given, name_key, given_key, sort_given, sort_family,
            None if year_only else birth.isoformat(), birth.year, sex, village, self.village_keys[vi],
            f"Số {rng.randrange(1, 300)} {rng.choice(STREETS)}, {village}", phone, needs_home, elderly,
            disabled, card_issued.isoformat() if card_issued else None, "", search_text, None,
            str(state.status), state.has_card, state.vneid_stage, _dt(created), _dt(updated),
        ), [(cid, e, _dt(at), at.date().isoformat(), pid, None, None, "", _dt(at)) for e, at, pid in events]


def _write_people(db: Database, rows: Iterator[CitizenRow]) -> int:
    """Bulk insert in one write transaction, the search index built once at the end; the events written."""
    n_events = 0
    raw = db.engine.raw_connection()
    try:
        con = raw.driver_connection
        assert con is not None  # a fresh pooled connection always has its DB-API connection
        con.execute("BEGIN IMMEDIATE")  # a writer: take the write lock now (never a deferred write)
        try:
            # The FTS index is built once at the end ('rebuild') instead of row by row through the insert
            # trigger: the same index, several times faster. The trigger is restored from its own SQL.
            trig = con.execute(
                "SELECT sql FROM sqlite_master WHERE type='trigger' AND name='citizens_fts_ai'"
            ).fetchone()
            if trig:
                con.execute("DROP TRIGGER citizens_fts_ai")
            csql = f"INSERT INTO citizens ({', '.join(CITIZEN_COLUMNS)}) VALUES ({', '.join('?' * len(CITIZEN_COLUMNS))})"
            esql = f"INSERT INTO status_events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
            while chunk := list(itertools.islice(rows, 5000)):
                con.executemany(csql, [c for c, _ in chunk])
                evs = [e for _, es in chunk for e in es]
                con.executemany(esql, evs)
                n_events += len(evs)
            if trig:
                con.execute("INSERT INTO citizens_fts(citizens_fts) VALUES ('rebuild')")
                con.execute(trig[0])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        raw.close()
    return n_events


def _set_targets(db: Database, people: _DemoPeople, citizens: int) -> dict[str, int]:
    """Province targets a commune like this would be given, each with its deadline."""
    targets = {
        "card_captured": max(1, round(people.adult_no_card * 0.95)),
        "vneid_l2_captured": max(1, round(people.adults * 0.8)),
        "vneid_activated": max(1, round(citizens * 0.65)),
    }
    deadlines = {"card_captured": 30, "vneid_l2_captured": 45, "vneid_activated": 60}
    with db.session() as s:
        for indicator, value in targets.items():
            t = s.scalar(select(Target).where(Target.indicator == indicator))
            if t is None:
                t = Target(indicator=indicator, value=value, updated_at=people.now)
                s.add(t)
            t.value = value
            t.deadline = people.today + dt.timedelta(days=deadlines[indicator])
            t.updated_at = people.now
    return targets


def _timeline(
    rng: random.Random, script: tuple[str, ...], now: dt.datetime, village_point: int, office: int
) -> list[tuple[str, dt.datetime, int | None]]:
    """Times and points for an event script over the last 30 days; events later than now are dropped
    (any prefix of a valid script is valid)."""
    if not script:
        return []
    day = now.date() - dt.timedelta(days=rng.randrange(1, 31))
    at = dt.datetime.combine(day, dt.time(7, 30)) + dt.timedelta(minutes=rng.randrange(0, 540))
    point = village_point if rng.random() < 0.7 else office
    out: list[tuple[str, dt.datetime, int | None]] = []
    for e in script:
        if out:
            if e in ("attended", "card_captured", "vneid_l2_captured") and out[-1][0] in ("attended", "card_captured"):
                gap = dt.timedelta(minutes=rng.randrange(3, 25))
            elif e == "scheduled":
                gap = dt.timedelta(minutes=5)
            else:
                gap = dt.timedelta(days=rng.randrange(1, 6), minutes=rng.randrange(-120, 120))
            at = at + gap
        if at > now:
            break
        pid: int | None = point
        if e == "vneid_approved" or (e == "vneid_activated" and rng.random() < 0.5):
            pid = None  # approved centrally; activated on the citizen's own phone
        elif e == "scheduled":
            at_sched = at
            out.append((e, at_sched, pid))
            # The appointment itself is a few days after scheduling.
            at = at + dt.timedelta(days=rng.randrange(1, 8))
            continue
        out.append((e, at, pid))
    return out
