"""A validated citizen row and the one place that derives the stored keys from it.

Importer, walk-in form and edits all build rows here, so name_key, sort keys, village_key and search_text
always agree with the FTS5 index and with each other. Derivations are cached per distinct name and
village: a commune's list repeats the same few thousand names and a few dozen villages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import lru_cache

from common.vietnamese import NameOrder, fold, name_sort_key, split_name
from desktop.services.register.rows import as_date

# Columns an import or a form sets (besides the derived ones); compared to decide "unchanged".
CONTENT_COLUMNS = (
    "full_name", "old_cmnd", "birth_date", "birth_year", "sex", "village", "address", "phone",
    "needs_home_visit", "elderly", "disabled", "card_issued_on", "note", "card_known", "vneid_known",
)
# Facts from elsewhere that only ever grow: a later list saying less does not erase them (merge takes the max).
KNOWN_COLUMNS = ("card_known", "vneid_known")
FLAG_COLUMNS = ("needs_home_visit", "elderly", "disabled")
DATE_COLUMNS = ("birth_date", "card_issued_on")

# Field → Vietnamese label (used in messages and by forms).
LABELS: dict[str, str] = {
    "full_name": "Họ và tên",
    "id_number": "Số định danh",
    "old_cmnd": "Số CMND",
    "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh",
    "sex": "Giới tính",
    "sex_male": "Nam",
    "sex_female": "Nữ",
    "village": "Thôn/Tổ dân phố",
    "address": "Địa chỉ",
    "phone": "Số điện thoại",
    "card_issued_on": "Ngày cấp",
    "card_known": "Đã có thẻ căn cước",
    "vneid_l2": "VNeID mức 2",
    "vneid_activated": "Đã kích hoạt VNeID",
    "note": "Ghi chú",
    "elderly": "Người cao tuổi",
    "disabled": "Khuyết tật",
    "needs_home_visit": "Cần đến tận nhà",
}


@lru_cache(maxsize=262_144)
def name_columns(full_name: str) -> tuple[str, str, str, str, str, str, str]:
    """(family, middle, given, name_key, given_key, sort_given, sort_family) for an NFC full name."""
    parts = split_name(full_name)
    return (
        parts.family,
        parts.middle,
        parts.given,
        fold(full_name),
        fold(parts.given),
        name_sort_key(full_name, NameOrder.GIVEN),
        name_sort_key(full_name, NameOrder.FAMILY),
    )


@lru_cache(maxsize=65_536)
def village_key(village: str) -> str:
    return fold(village)


def search_text(name_key: str, id_number: str | None, old_cmnd: str | None, phone: str | None, vkey: str) -> str:
    """What the FTS5 trigram index sees: folded name, numbers, folded village."""
    return " ".join(p for p in (name_key, id_number, old_cmnd, phone, vkey) if p)


@dataclass(slots=True)
class CitizenRecord:
    """Every column of a citizen that comes from input, plus the derived keys (all text NFC)."""

    full_name_raw: str
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    name_key: str
    given_key: str
    sort_given: str
    sort_family: str
    id_number: str | None
    old_cmnd: str | None
    birth_date: dt.date | None
    birth_year: int | None
    sex: str | None
    village: str
    village_key: str
    address: str
    phone: str | None
    needs_home_visit: bool
    elderly: bool
    disabled: bool
    card_issued_on: dt.date | None
    note: str
    search_text: str
    present: frozenset[str] = frozenset()  # input fields that were given (non-empty), for merging updates
    card_known: bool = False  # the list says the citizen holds a chip card (history from elsewhere)
    vneid_known: int = 0  # VNeID stage the list reports: 0 nothing, 2 level-2 account, 3 activated

    def columns(self) -> dict[str, object]:
        """Model column → value (for the ORM); the known-from-elsewhere facts are the importer's to write."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("present", *KNOWN_COLUMNS)}

    def content(self) -> tuple[object, ...]:
        """CONTENT_COLUMNS in database representation (ISO dates, 0/1 flags)."""
        bd, ci = self.birth_date, self.card_issued_on
        return (
            self.full_name, self.old_cmnd, bd.isoformat() if bd else None, self.birth_year, self.sex,
            self.village, self.address, self.phone, int(self.needs_home_visit), int(self.elderly),
            int(self.disabled), ci.isoformat() if ci else None, self.note, int(self.card_known),
            int(self.vneid_known),
        )

    def db_values(self) -> tuple[object, ...]:
        """RECORD_COLUMNS in database representation."""
        bd, ci = self.birth_date, self.card_issued_on
        return (
            self.id_number, self.old_cmnd, self.full_name_raw, self.full_name, self.family_name,
            self.middle_name, self.given_name, self.name_key, self.given_key, self.sort_given,
            self.sort_family, bd.isoformat() if bd else None, self.birth_year, self.sex, self.village,
            self.village_key, self.address, self.phone, int(self.needs_home_visit), int(self.elderly),
            int(self.disabled), ci.isoformat() if ci else None, self.note, self.search_text,
            int(self.card_known), int(self.vneid_known),
        )


RECORD_COLUMNS = (
    "id_number", "old_cmnd", "full_name_raw", "full_name", "family_name", "middle_name", "given_name",
    "name_key", "given_key", "sort_given", "sort_family", "birth_date", "birth_year", "sex", "village",
    "village_key", "address", "phone", "needs_home_visit", "elderly", "disabled", "card_issued_on", "note",
    "search_text", "card_known", "vneid_known",
)


def build_record(
    *,
    full_name_raw: str,
    full_name: str,
    id_number: str | None,
    old_cmnd: str | None,
    birth_date: dt.date | None,
    birth_year: int | None,
    sex: str | None,
    village: str,
    address: str,
    phone: str | None,
    needs_home_visit: bool,
    elderly: bool,
    disabled: bool,
    card_issued_on: dt.date | None,
    note: str,
    present: frozenset[str] = frozenset(),
    card_known: bool = False,
    vneid_known: int = 0,
) -> CitizenRecord:
    """Fill the derived columns; inputs must already be validated and NFC."""
    family, middle, given, nkey, gkey, sgiven, sfamily = name_columns(full_name)
    vkey = village_key(village) if village else ""
    return CitizenRecord(
        full_name_raw, full_name, family, middle, given, nkey, gkey, sgiven, sfamily,
        id_number, old_cmnd, birth_date, birth_year, sex, village, vkey, address, phone,
        bool(needs_home_visit), bool(elderly), bool(disabled), card_issued_on, note,
        search_text(nkey, id_number, old_cmnd, phone, vkey), present, bool(card_known), int(vneid_known),
    )


def merge(existing: dict[str, object], rec: CitizenRecord, authoritative: frozenset[str]) -> CitizenRecord:
    """An import row over a stored citizen: given values win; blank cells do not erase stored data.

    `authoritative` are fields whose blank still counts (flag columns present in the file).
    """
    vals: dict[str, object] = {}
    for name in ("full_name_raw", "id_number", *CONTENT_COLUMNS):
        if name in KNOWN_COLUMNS:
            stored = existing.get(name)
            vals[name] = max(int(stored) if isinstance(stored, int | str) else 0, int(getattr(rec, name)))
        elif name in rec.present or name in authoritative or name == "full_name_raw":
            vals[name] = getattr(rec, name)
        else:
            vals[name] = existing.get(name)
    if "full_name" in rec.present:
        vals["full_name_raw"] = rec.full_name_raw
    else:
        vals["full_name_raw"] = existing.get("full_name_raw") or rec.full_name_raw
    for name in DATE_COLUMNS:
        vals[name] = as_date(vals[name])
    for name in (*FLAG_COLUMNS, "card_known"):
        vals[name] = bool(vals[name])
    for name in ("village", "address", "note"):
        vals[name] = vals[name] or ""
    return build_record(present=rec.present, **vals)  # type: ignore[arg-type]
