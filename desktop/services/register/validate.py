"""Row validation: the same rules for an imported row and for a walk-in typed at the check-in desk.

Input values are whatever the reader produced (text from CSV; floats, dates and text from calamine) or
Python values from a form; `cells` turns each cell into a value. Errors reject the row; warnings keep it
(with the repaired value). Messages are Vietnamese and name the column as headed in the file.
"""

from __future__ import annotations

import datetime as dt
import re

from common import idnumber
from common.dates import age_on
from desktop.services.register.village_names import village_problem

from .cells import (
    MAX_AGE,
    SCIENTIFIC,
    check_name,
    clean_text,
    is_empty,
    is_marked,
    parse_date,
    parse_phone,
    parse_sex,
    parse_yes_no,
    says_activated,
    text_value,
)
from .record import LABELS, CitizenRecord, build_record
from .types import ERROR, WARNING, RowIssue

# ------------------------------------------------------------------------------------------------ the row

class RowValidator:
    """Validates one row (a dict field → raw value). `labels` name the columns as headed in the file."""

    def __init__(self, labels: dict[str, str] | None = None, today: dt.date | None = None) -> None:
        self.labels = {**LABELS, **(labels or {})}
        self.today = today or dt.date.today()

    def validate(self, values: dict[str, object], row: int = 0) -> tuple[CitizenRecord | None, list[RowIssue]]:
        """The row as a record (None when an error rejects it) and every issue found, in column order."""
        return _RowCheck(self.labels, self.today, values, row).run()


class _RowCheck:
    """One row being checked: the facts read so far, the issues, and which fields the row filled."""

    # Facts not (yet) read stay at these class defaults, so a row pays only for what it holds.
    sex: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None
    id_number: str | None = None
    old_cmnd: str | None = None
    id_sex: str | None = None
    id_year: int | None = None
    card_issued_on: dt.date | None = None

    def __init__(self, labels: dict[str, str], today: dt.date, values: dict[str, object], row: int) -> None:
        self.labels, self.today, self.values, self.row = labels, today, values, row
        self.issues: list[RowIssue] = []
        self.present: set[str] = set()

    def err(self, fld: str, value: object, reason: str) -> None:
        self.issues.append(RowIssue(self.row, self.labels[fld], clean_text(value)[:200], reason, ERROR, fld))

    def warn(self, fld: str, value: object, reason: str) -> None:
        self.issues.append(RowIssue(self.row, self.labels[fld], clean_text(value)[:200], reason, WARNING, fld))

    def run(self) -> tuple[CitizenRecord | None, list[RowIssue]]:
        full_name_raw, full_name = self.check_full_name()
        birth_in_sex_column = self.check_sex()
        self.check_birth(birth_in_sex_column)
        for fld in ("id_number", "old_cmnd"):
            self.check_number(fld)
        if self.id_number:
            self.present.add("id_number")
        if self.old_cmnd:
            self.present.add("old_cmnd")
        self.check_card_issued_on()
        card_known, vneid_known = self.check_known_state()
        phone, village, address, note = self.check_contact()
        if any(i.severity == ERROR for i in self.issues):
            return None, self.issues
        # The number encodes sex and birth year: fill them when the list leaves them out.
        if self.id_number is not None:
            self.sex = self.sex if self.sex is not None else self.id_sex
            self.birth_year = self.birth_year if self.birth_year is not None else self.id_year
        flag = self.values.get
        rec = build_record(
            full_name_raw=full_name_raw, full_name=full_name, id_number=self.id_number, old_cmnd=self.old_cmnd,
            birth_date=self.birth_date, birth_year=self.birth_year, sex=self.sex, village=village,
            address=address, phone=phone, needs_home_visit=is_marked(flag("needs_home_visit")),
            elderly=is_marked(flag("elderly")), disabled=is_marked(flag("disabled")),
            card_issued_on=self.card_issued_on, note=note, present=frozenset(self.present),
            card_known=bool(card_known) or vneid_known > 0, vneid_known=vneid_known,
        )
        return rec, self.issues

    def check_full_name(self) -> tuple[str, str]:
        """The name is required: (as typed, normalised)."""
        raw_name = self.values.get("full_name")
        full_name_raw, full_name, name_error = (
            check_name(raw_name) if type(raw_name) is str else check_name(clean_text(raw_name))
        )
        if name_error:
            self.err("full_name", raw_name, name_error)
        else:
            self.present.add("full_name")
        return full_name_raw, full_name

    def check_sex(self) -> tuple[str, object] | None:
        """A 'Giới tính' column, or 'Nam' / 'Nữ' columns marked with x; returns the (column, value) of a birth
        date found in a Nam/Nữ column (lists that write the birth date under the person's sex)."""
        raw_sex = self.values.get("sex")
        if not is_empty(raw_sex):
            self.sex, ok = parse_sex(raw_sex)
            if not ok:
                self.err("sex", raw_sex, f"Giới tính '{clean_text(raw_sex)}' không hợp lệ (cần Nam hoặc Nữ)")
        birth_in_sex_column: tuple[str, object] | None = None
        marks = []
        for fld, code in (("sex_male", "M"), ("sex_female", "F")):
            cell = self.values.get(fld)
            if is_empty(cell):
                continue
            if _looks_like_birth(cell):
                birth_in_sex_column = (fld, cell)
                marks.append(code)
            elif is_marked(cell):
                marks.append(code)
        if marks:
            if len(set(marks)) > 1:
                self.err("sex_male", self.values.get("sex_male"), "Đánh dấu cả Nam và Nữ")
            elif self.sex is not None and self.sex != marks[0]:
                self.err("sex", raw_sex, "Giới tính mâu thuẫn với cột Nam/Nữ")
            else:
                self.sex = marks[0]
        if self.sex:
            self.present.add("sex")
        return birth_in_sex_column

    def check_birth(self, birth_in_sex_column: tuple[str, object] | None) -> None:
        """Birth date and/or year; they must agree, lie in the past and give an age under MAX_AGE."""
        birth_fld, raw_birth = "birth_date", self.values.get("birth_date")
        if is_empty(raw_birth) and birth_in_sex_column:
            birth_fld, raw_birth = birth_in_sex_column
        birth_ok = True
        if not is_empty(raw_birth):
            date, year, error, warning = parse_date(raw_birth)
            if error:
                self.err(birth_fld, raw_birth, error)
                birth_ok = False
            else:
                self.birth_date, self.birth_year = date, year
                if warning:
                    self.warn(birth_fld, raw_birth, warning)
        raw_year = self.values.get("birth_year")
        if not is_empty(raw_year):
            date, year, error, _warning = parse_date(raw_year)
            if error:
                self.err("birth_year", raw_year, error)
                birth_ok = False
            elif self.birth_year is not None and year != self.birth_year:
                self.err("birth_year", raw_year, f"Năm sinh {year} khác với ngày sinh {clean_text(raw_birth)}")
                birth_ok = False
            elif self.birth_year is None:
                self.birth_date, self.birth_year = date, year
                birth_fld, raw_birth = "birth_year", raw_year
        if self.birth_year is None or not birth_ok:
            return
        today = self.today
        if self.birth_date is not None and self.birth_date > today or self.birth_year > today.year:
            self.err(birth_fld, raw_birth, "Ngày sinh ở tương lai")
        elif (age_on(self.birth_date, today) if self.birth_date else today.year - self.birth_year) > MAX_AGE:
            self.err(birth_fld, raw_birth, f"Tuổi trên {MAX_AGE}: ngày sinh không hợp lệ")
        else:
            self.present.update(("birth_date", "birth_year"))

    def _clean_id_fast(self, raw: object) -> bool:
        """The common clean 12-digit case without idnumber's full parse; False sends it the long way."""
        if not (type(raw) is str and len(raw) == 12 and raw.isascii() and raw.isdigit()):
            return False
        if not idnumber.is_known_place(raw[:3]):
            return False
        century_sex = ord(raw[3]) - 48
        year = 1900 + (century_sex // 2) * 100 + int(raw[4:6])
        sex = "F" if century_sex % 2 else "M"
        if (self.birth_year is None or self.birth_year == year) and (self.sex is None or self.sex == sex):
            self.id_number, self.id_sex, self.id_year = raw, sex, year
            return True
        return False

    def check_number(self, fld: str) -> None:
        """The ID number (12 digits) or old CMND (9) in either column, repaired where Excel mangled it."""
        raw = self.values.get(fld)
        if is_empty(raw) or (fld == "id_number" and self._clean_id_fast(raw)):
            return
        if isinstance(raw, str) and SCIENTIFIC.match(raw):
            self.err(fld, raw, f"Số '{raw.strip()}' đã bị Excel đổi sang dạng khoa học và mất chữ số; "
                     "hãy định dạng cột là Văn bản (Text) rồi nhập lại số")
            return
        cleaned = idnumber.clean(raw)
        number = cleaned.value
        if number is None:
            return
        digits = number.isascii() and number.isdigit()
        if digits and len(number) == 9:
            self.old_cmnd = number
        elif fld == "old_cmnd" and digits and len(number) == 8:
            self.old_cmnd = "0" + number
            self.warn(fld, raw, f"Số CMND '{number}' thiếu số 0 đầu (do Excel), đã sửa thành '{self.old_cmnd}'")
        elif fld == "id_number" or (digits and len(number) in (11, 12)):
            self._take_id_number(fld, raw, number, cleaned.warnings)
        else:
            self.warn(fld, raw, f"Số CMND '{number}' phải có 9 chữ số, đã bỏ qua")

    def _take_id_number(self, fld: str, raw: object, number: str, warnings: list[str] | tuple[str, ...]) -> None:
        if self.id_number is not None:
            if number != self.id_number:
                self.warn(fld, raw, f"Số '{number}' khác số định danh '{self.id_number}', đã bỏ qua")
            return
        try:
            parsed = idnumber.parse(number)
        except idnumber.IdNumberError as exc:
            self.err(fld, raw, exc.message)
            return
        self.id_number, self.id_sex, self.id_year = number, parsed.sex, parsed.birth_year
        for warning in warnings:
            self.warn(fld, raw, warning)
        for problem in idnumber.check_against(parsed, self.birth_year, self.sex):
            self.err(fld, raw, problem)

    def check_card_issued_on(self) -> None:
        """A full date, not in the future, not before birth."""
        raw_card = self.values.get("card_issued_on")
        if is_empty(raw_card):
            return
        date, _year, error, warning = parse_date(raw_card)
        if error:
            self.err("card_issued_on", raw_card, error)
        elif date is None:
            self.err("card_issued_on", raw_card, "Ngày cấp cần đủ ngày, tháng, năm")
        elif date > self.today:
            self.err("card_issued_on", raw_card, "Ngày cấp ở tương lai")
        elif (self.birth_date and date < self.birth_date) or (self.birth_year and date.year < self.birth_year):
            self.err("card_issued_on", raw_card, "Ngày cấp trước ngày sinh")
        else:
            self.card_issued_on = date
            self.present.add("card_issued_on")
            if warning:
                self.warn("card_issued_on", raw_card, warning)

    def check_known_state(self) -> tuple[bool | dt.date | None, int]:
        """Card and VNeID state reached elsewhere (history: seeds the state, counts on no day)."""
        card_known, vneid_known = self._known_state()
        if card_known is not None and self.card_issued_on is None and isinstance(card_known, dt.date):
            self.card_issued_on = card_known
            self.present.add("card_issued_on")
        if card_known:
            self.present.add("card_known")
        if vneid_known:
            self.present.add("vneid_known")
        return card_known, vneid_known

    def check_contact(self) -> tuple[str | None, str, str, str]:
        """(phone, village, address, note): the phone gives warnings only; a village must be a place."""
        phone, phone_warnings = parse_phone(self.values.get("phone"))
        for warning in phone_warnings:
            self.warn("phone", self.values.get("phone"), warning)
        if phone:
            self.present.add("phone")
        village = text_value(self.values.get("village"))
        address = text_value(self.values.get("address"))
        note = text_value(self.values.get("note"))
        for fld, text in (("village", village), ("address", address), ("note", note)):
            if text:
                self.present.add(fld)
        if village and (village_issue := village_problem(village)):
            self.err("village", village, village_issue)
        return phone, village, address, note

    def _known_state(self) -> tuple[bool | dt.date | None, int]:
        """('Đã có thẻ' answer — a date when the cell holds the issue date —, VNeID stage 0/2/3) of one row.

        A cell that is neither yes nor no is a warning (the row is kept, the fact left unknown).
        """
        def unclear(fld: str, raw: object) -> None:
            self.warn(fld, raw, f"Không hiểu '{clean_text(raw).strip()}' (cần có/không, rồi/chưa, x hoặc ngày cấp): "
                      "đã bỏ qua")

        values = self.values
        card: bool | dt.date | None = None
        raw = values.get("card_known")
        if not is_empty(raw):
            yes, ok, when = parse_yes_no(raw)
            if not ok:
                unclear("card_known", raw)
            elif yes:
                card = when if when is not None and when <= self.today else True
        stage = 0
        raw = values.get("vneid_l2")
        if not is_empty(raw):
            yes, ok, _when = parse_yes_no(raw)
            if not ok:
                unclear("vneid_l2", raw)
            elif yes:
                stage = 3 if says_activated(raw) else 2
        raw = values.get("vneid_activated")
        if not is_empty(raw):
            yes, ok, _when = parse_yes_no(raw)
            if not ok:
                unclear("vneid_activated", raw)
            elif yes:
                stage = 3
        return card, stage


def _looks_like_birth(cell: object) -> bool:
    """A Nam/Nữ cell holding a date or a year instead of an x."""
    if isinstance(cell, str):
        return re.search(r"\d{4}", cell) is not None
    if isinstance(cell, bool):
        return False
    return isinstance(cell, dt.date) or (isinstance(cell, int | float) and cell > 31)
