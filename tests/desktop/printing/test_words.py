"""Words on paper since 1 July 2024, read back from real PDFs with pypdf.

The card is "thẻ căn cước" (CCCD only for old cards), a renewal is "cấp đổi", and a citizen booked only to
activate VNeID gets a slip that says so.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from desktop.printing.text import card_name, printed_purpose
from desktop.services.documents import printouts
from tests.support.booked import PEOPLE, book_four_people
from tests.support.print_pages import page_texts


@pytest.fixture
def booked(db):
    return book_four_people(db)


def test_slips_say_first_card_renewal_register_or_activate(booked) -> None:
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
