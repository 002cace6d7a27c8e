"""Who signs the hub's papers, read from the `hub_settings` table (keys `report.<field>`, written by
`enrollpoint-hub report-setup`, province.cli_report; defaults derived from the province's name): the unit, its parent, the place, the signer, the
addressees; the cut-off written in the title is the one the completeness page applies (province.workdays,
`enrollpoint-hub calendar cutoff`), so paper and screen never disagree. Kept in the database, not the environment, so every worker
of the hub prints the same heading and an admin changes it without a restart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

from common.vietnamese import nfc
from paper.headings import province_police
from province import workdays
from province.admin import audit
from province.errors import HubRefusal
from province.models import HubSetting

PREFIX = "report."
MAX_VALUE = 200  # characters of one setting


@dataclass(frozen=True)
class ReportSetup:
    parent: str = ""  # "CÔNG AN TỈNH KHÁNH HÒA" (from the province name when empty)
    unit: str = "PHÒNG CẢNH SÁT QLHC VỀ TTXH"
    unit_abbr: str = "PC06"
    place: str = ""  # "Khánh Hòa" (from the province name when empty)
    signer: str = ""  # the name under the signature; blank = signed by hand
    signer_title: str = "TRƯỞNG PHÒNG"
    addressee: str = "Ban Chỉ đạo Đề án 06 tỉnh"
    chairman: str = "Đồng chí Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo Đề án 06 tỉnh"
    cutoff: str = "16 giờ 30"  # not stored here: from province.workdays (see load)


KEYS = tuple(f.name for f in fields(ReportSetup) if f.name != "cutoff")


def cutoff_words(at: dt.time) -> str:
    """16:30 → '16 giờ 30', 17:00 → '17 giờ' (the words of a Vietnamese administrative title)."""
    return f"{at.hour} giờ {at.minute:02d}" if at.minute else f"{at.hour} giờ"


def load(s: Session, province_name: str = "") -> ReportSetup:
    """The stored values over the defaults; the parent unit and place fall back on the province's name."""
    stored = {k: v for k in KEYS if (row := s.get(HubSetting, PREFIX + k)) is not None and (v := nfc(row.value))}
    setup = ReportSetup(**stored, cutoff=cutoff_words(workdays.cutoff(s)))
    if not setup.parent and province_name:
        setup = ReportSetup(**{**setup.__dict__, "parent": province_police(province_name)})
    if not setup.place and province_name:
        bare = province_name.removeprefix("Tỉnh ").removeprefix("tỉnh ").removeprefix("Thành phố ")
        setup = ReportSetup(**{**setup.__dict__, "place": bare})
    return setup


def save(s: Session, key: str, value: str) -> None:
    """Store one setting (the caller holds a write session; audited); long values are refused, not cut."""
    if key not in KEYS:
        raise HubRefusal(f"unknown report setting {key!r}", vi=f"Không có mục cài đặt báo cáo {key!r}.")
    value = nfc(value.strip())
    if len(value) > MAX_VALUE or "\n" in value:
        raise HubRefusal(f"{key}: one line of at most {MAX_VALUE} characters",
                         vi=f"{key}: tối đa {MAX_VALUE} ký tự, một dòng.", field=key)
    audit(s, "admin", "report.setup", None, key=key, value=value)
    row = s.get(HubSetting, PREFIX + key)
    if row is None:
        s.add(HubSetting(key=PREFIX + key, value=value))
    else:
        row.value = value
