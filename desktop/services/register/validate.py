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
        issues: list[RowIssue] = []
        labels = self.labels
        today = self.today
        present: set[str] = set()

        def err(fld: str, value: object, reason: str) -> None:
            issues.append(RowIssue(row, labels[fld], clean_text(value)[:200], reason, ERROR, fld))

        def warn(fld: str, value: object, reason: str) -> None:
            issues.append(RowIssue(row, labels[fld], clean_text(value)[:200], reason, WARNING, fld))

        # Name (required)
        raw_name = values.get("full_name")
        full_name_raw, full_name, name_error = (
            check_name(raw_name) if type(raw_name) is str else check_name(clean_text(raw_name))
        )
        if name_error:
            err("full_name", raw_name, name_error)
        else:
            present.add("full_name")

        # Sex: a 'Giới tính' column, or 'Nam' / 'Nữ' columns marked with x (or holding the birth date)
        sex: str | None = None
        raw_sex = values.get("sex")
        if not is_empty(raw_sex):
            sex, ok = parse_sex(raw_sex)
            if not ok:
                err("sex", raw_sex, f"Giới tính '{clean_text(raw_sex)}' không hợp lệ (cần Nam hoặc Nữ)")
        birth_in_sex_column: tuple[str, object] | None = None
        marks = []
        for fld, s in (("sex_male", "M"), ("sex_female", "F")):
            v = values.get(fld)
            if is_empty(v):
                continue
            if isinstance(v, dt.date | int | float) and not isinstance(v, bool) and (
                isinstance(v, dt.date) or v > 31
            ) or (isinstance(v, str) and re.search(r"\d{4}", v)):
                birth_in_sex_column = (fld, v)
                marks.append(s)
            elif is_marked(v):
                marks.append(s)
        if marks:
            if len(set(marks)) > 1:
                err("sex_male", values.get("sex_male"), "Đánh dấu cả Nam và Nữ")
            elif sex is not None and sex != marks[0]:
                err("sex", raw_sex, "Giới tính mâu thuẫn với cột Nam/Nữ")
            else:
                sex = marks[0]
        if sex:
            present.add("sex")

        # Birth date / year
        birth_date: dt.date | None = None
        birth_year: int | None = None
        birth_fld, raw_birth = "birth_date", values.get("birth_date")
        if is_empty(raw_birth) and birth_in_sex_column:
            birth_fld, raw_birth = birth_in_sex_column
        birth_ok = True
        if not is_empty(raw_birth):
            d, y, e, w = parse_date(raw_birth)
            if e:
                err(birth_fld, raw_birth, e)
                birth_ok = False
            else:
                birth_date, birth_year = d, y
                if w:
                    warn(birth_fld, raw_birth, w)
        raw_year = values.get("birth_year")
        if not is_empty(raw_year):
            d, y, e, w = parse_date(raw_year)
            if e:
                err("birth_year", raw_year, e)
                birth_ok = False
            elif birth_year is not None and y != birth_year:
                err("birth_year", raw_year, f"Năm sinh {y} khác với ngày sinh {clean_text(raw_birth)}")
                birth_ok = False
            elif birth_year is None:
                birth_date, birth_year = d, y
                birth_fld, raw_birth = "birth_year", raw_year
        if birth_year is not None and birth_ok:
            if birth_date is not None and birth_date > today or birth_year > today.year:
                err(birth_fld, raw_birth, "Ngày sinh ở tương lai")
            elif (age_on(birth_date, today) if birth_date else today.year - birth_year) > MAX_AGE:
                err(birth_fld, raw_birth, f"Tuổi trên {MAX_AGE}: ngày sinh không hợp lệ")
            else:
                present.update(("birth_date", "birth_year"))

        # ID number (12 digits) and old CMND (9 digits)
        id_number: str | None = None
        old_cmnd: str | None = None
        id_sex: str | None = None
        id_year: int | None = None
        for fld in ("id_number", "old_cmnd"):
            raw = values.get(fld)
            if is_empty(raw):
                continue
            if fld == "id_number" and type(raw) is str and len(raw) == 12 and raw.isascii() and raw.isdigit():
                # Fast path for the common clean case; anything unusual goes through idnumber below.
                place = raw[:3]
                if idnumber.is_known_place(place):
                    g = ord(raw[3]) - 48
                    fy = 1900 + (g // 2) * 100 + int(raw[4:6])
                    fs = "F" if g % 2 else "M"
                    if (birth_year is None or birth_year == fy) and (sex is None or sex == fs):
                        id_number, id_sex, id_year = raw, fs, fy
                        continue
            if isinstance(raw, str) and SCIENTIFIC.match(raw):
                err(fld, raw, f"Số '{raw.strip()}' đã bị Excel đổi sang dạng khoa học và mất chữ số; "
                    "hãy định dạng cột là Văn bản (Text) rồi nhập lại số")
                continue
            cleaned = idnumber.clean(raw)
            v = cleaned.value
            if v is None:
                continue
            digits = v.isascii() and v.isdigit()
            if digits and len(v) == 9:
                old_cmnd = v
            elif fld == "old_cmnd" and digits and len(v) == 8:
                old_cmnd = "0" + v
                warn(fld, raw, f"Số CMND '{v}' thiếu số 0 đầu (do Excel), đã sửa thành '{old_cmnd}'")
            elif fld == "id_number" or (digits and len(v) in (11, 12)):
                if id_number is not None:
                    if v != id_number:
                        warn(fld, raw, f"Số '{v}' khác số định danh '{id_number}', đã bỏ qua")
                    continue
                try:
                    parsed = idnumber.parse(v)
                except idnumber.IdNumberError as exc:
                    err(fld, raw, exc.message)
                    continue
                id_number, id_sex, id_year = v, parsed.sex, parsed.birth_year
                for w in cleaned.warnings:
                    warn(fld, raw, w)
                for problem in idnumber.check_against(parsed, birth_year, sex):
                    err(fld, raw, problem)
            else:
                warn(fld, raw, f"Số CMND '{v}' phải có 9 chữ số, đã bỏ qua")
        if id_number:
            present.add("id_number")
        if old_cmnd:
            present.add("old_cmnd")

        # Card issue date
        card_issued_on: dt.date | None = None
        raw_card = values.get("card_issued_on")
        if not is_empty(raw_card):
            d, y, e, w = parse_date(raw_card)
            if e:
                err("card_issued_on", raw_card, e)
            elif d is None:
                err("card_issued_on", raw_card, "Ngày cấp cần đủ ngày, tháng, năm")
            elif d > today:
                err("card_issued_on", raw_card, "Ngày cấp ở tương lai")
            elif (birth_date and d < birth_date) or (birth_year and d.year < birth_year):
                err("card_issued_on", raw_card, "Ngày cấp trước ngày sinh")
            else:
                card_issued_on = d
                present.add("card_issued_on")
                if w:
                    warn("card_issued_on", raw_card, w)

        # Card and VNeID state reached elsewhere (history: seeds the state, counts on no day)
        card_known, vneid_known = self._known_state(values, row, issues, card_issued_on)
        if card_known is not None and card_issued_on is None and isinstance(card_known, dt.date):
            card_issued_on = card_known
            present.add("card_issued_on")
        if card_known:
            present.add("card_known")
        if vneid_known:
            present.add("vneid_known")

        # Phone (warnings only)
        phone, phone_warnings = parse_phone(values.get("phone"))
        for w in phone_warnings:
            warn("phone", values.get("phone"), w)
        if phone:
            present.add("phone")

        village = text_value(values.get("village"))
        address = text_value(values.get("address"))
        note = text_value(values.get("note"))
        for fld, v in (("village", village), ("address", address), ("note", note)):
            if v:
                present.add(fld)
        if village and (village_issue := village_problem(village)):
            err("village", village, village_issue)

        if any(i.severity == ERROR for i in issues):
            return None, issues

        # The number encodes sex and birth year: fill them when the list leaves them out.
        if id_number is not None:
            if sex is None:
                sex = id_sex
            if birth_year is None:
                birth_year = id_year

        rec = build_record(
            full_name_raw=full_name_raw,
            full_name=full_name,
            id_number=id_number,
            old_cmnd=old_cmnd,
            birth_date=birth_date,
            birth_year=birth_year,
            sex=sex,
            village=village,
            address=address,
            phone=phone,
            needs_home_visit=is_marked(values.get("needs_home_visit")),
            elderly=is_marked(values.get("elderly")),
            disabled=is_marked(values.get("disabled")),
            card_issued_on=card_issued_on,
            note=note,
            present=frozenset(present),
            card_known=bool(card_known) or vneid_known > 0,
            vneid_known=vneid_known,
        )
        return rec, issues

    def _known_state(
        self, values: dict[str, object], row: int, issues: list[RowIssue], card_issued_on: dt.date | None
    ) -> tuple[bool | dt.date | None, int]:
        """('Đã có thẻ' answer — a date when the cell holds the issue date —, VNeID stage 0/2/3) of one row.

        A cell that is neither yes nor no is a warning (the row is kept, the fact left unknown).
        """
        def unclear(fld: str, raw: object) -> None:
            issues.append(RowIssue(
                row, self.labels[fld], clean_text(raw)[:200],
                f"Không hiểu '{clean_text(raw).strip()}' (cần có/không, rồi/chưa, x hoặc ngày cấp): đã bỏ qua",
                WARNING, fld,
            ))

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
