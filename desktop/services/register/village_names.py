"""Village names that would carry personal data off the laptop: refused at import, quarantined at day close.

A village name travels to the province in `by_village`, so a list row whose "Thôn" holds a phone number,
an ID number or a citizen's name ("Trần Thị Bình 0987654321") must not become one. The rule is the
contract's (`sync.limits.village_name_problem`, which the hub applies too); this module gives it
Vietnamese words and a cache (a list has a handful of villages and many thousands of rows).
"""

from __future__ import annotations

from functools import lru_cache

from sync.limits import village_name_problem

QUARANTINED_VILLAGE = "Thôn/tổ cần sửa tên"
"""The name a day report uses for the counts of villages whose names may not leave the laptop."""

_REASONS_VI = {
    "holds a phone or ID number": "chứa dãy số giống số điện thoại hoặc số định danh",
    "looks like a person's name": "giống họ tên một người",
}


@lru_cache(maxsize=4096)
def village_problem(name: str) -> str | None:
    """Why this village name may not be stored or reported (Vietnamese), or None when it is fine."""
    if not name:
        return None
    reason = village_name_problem(name)
    if reason is None:
        return None
    words = _REASONS_VI.get(reason, "chứa dữ liệu cá nhân")
    return f"Tên thôn/tổ {words}: thông tin cá nhân không được ghi vào tên thôn/tổ (sẽ gửi lên tỉnh)"


def reportable_village(name: str) -> str:
    """The name a day report may carry for this village: itself, or the quarantine name."""
    return QUARANTINED_VILLAGE if village_problem(name) else name
