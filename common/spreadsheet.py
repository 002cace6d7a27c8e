"""The spreadsheet formula guard. A cell whose text starts with = + - @ (or a tab or carriage return) is
read by Excel and LibreOffice as a formula, so a name or note crafted (or mistyped) in the input could run
in the officer's or the province's spreadsheet ("CSV injection"). Every export writes such text as text."""

from __future__ import annotations

from typing import TypeVar

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: T) -> T | str:
    """A value for a CSV cell: risky text gets a leading apostrophe (shown by no spreadsheet, kept as
    text); anything else is returned as it is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
