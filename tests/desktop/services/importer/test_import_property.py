"""Random rows (random Unicode, numbers, dates) never corrupt the register."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import idnumber
from desktop.errors import ValidationError
from desktop.services.importer import ImportFileError, import_file
from desktop.services.register import citizens as register
from desktop.services.register.record import search_text
from desktop.storage.db import open_database
from tests.support.import_files import HEADER, write_csv

TEXT_COLUMNS = ("full_name_raw", "full_name", "family_name", "middle_name", "given_name", "village", "address",
                "note", "name_key", "given_key", "village_key", "search_text")

_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_text = st.text(_chars, max_size=30)
_names = st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Lê Thuý", "Đặng Ánh", "H'Hen Niê", "Ê Ban"])
_dates = st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31))
_date_cell = st.one_of(
    _dates.map(lambda d: d.strftime("%d/%m/%Y")),
    _dates.map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    _dates.map(lambda d: d.isoformat()),
    st.integers(-5, 80000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    _text,
)


@st.composite
def _row(draw):
    dob = draw(_dates)
    sex = draw(st.sampled_from(["M", "F"]))
    valid_id = idnumber.make(draw(st.sampled_from(list(idnumber.PROVINCE_CODES))), min(max(dob.year, 1900), 2199),
                             sex, draw(st.integers(0, 999_999)))
    return [
        "1",
        draw(st.one_of(_names, _text, _names.map(lambda n: unicodedata.normalize("NFD", n)))),
        draw(st.one_of(st.just(dob.strftime("%d/%m/%Y")), _date_cell)),
        draw(st.one_of(st.just("Nam" if sex == "M" else "Nữ"), st.sampled_from(["M", "F", "x", ""]), _text)),
        draw(st.one_of(st.just(valid_id), st.just(valid_id[1:]), st.text("0123456789", max_size=13), _text)),
        draw(st.one_of(st.sampled_from(["Thôn 1", "Tổ 2", ""]), _text)),
        draw(st.one_of(st.text("0123456789 .+", max_size=14), _text)),
    ]


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("prop") / "prop.db")
    yield database
    database.close()


def _check(db) -> int:
    with db.engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        conn.exec_driver_sql("INSERT INTO citizens_fts(citizens_fts) VALUES('integrity-check')")
        cols = ", ".join(TEXT_COLUMNS + ("id_number", "old_cmnd", "phone"))
        rows = conn.exec_driver_sql(f"SELECT {cols} FROM citizens").fetchall()
    for r in rows:
        m = dict(zip(TEXT_COLUMNS + ("id_number", "old_cmnd", "phone"), r, strict=True))
        for c in ("full_name_raw", "full_name", "family_name", "middle_name", "given_name", "village",
                  "address", "note"):
            assert unicodedata.is_normalized("NFC", m[c]), (c, m[c])
        assert m["full_name"].strip() == m["full_name"] and m["full_name"]
        assert m["search_text"] == search_text(m["name_key"], m["id_number"], m["old_cmnd"], m["phone"],
                                               m["village_key"])
    return len(rows)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(rows=st.lists(_row(), min_size=1, max_size=12), twice=st.booleans())
def test_random_rows_never_corrupt(shared_db, tmp_path_factory, rows, twice):
    before = _check(shared_db)
    path = write_csv(tmp_path_factory.mktemp("csv") / "r.csv", [HEADER, *rows])
    try:
        r = import_file(shared_db, path)
    except ImportFileError:
        assert _check(shared_db) == before
        return
    assert r.inserted + r.updated + r.unchanged + r.errors == r.rows_total
    assert r.possible_duplicates <= r.inserted
    assert r.errors == len({i.row for i in r.issues if i.severity == "error"})
    after = _check(shared_db)
    assert after == before + r.inserted
    if twice:
        again = import_file(shared_db, path)
        assert again.inserted == 0 and again.updated == 0
        assert again.unchanged == r.inserted + r.updated + r.unchanged
        assert _check(shared_db) == after


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=20), village=st.text(max_size=20), note=st.text(max_size=20),
       year=st.one_of(st.none(), st.integers(-10, 3000)))
def test_random_walk_ins_never_corrupt(shared_db, name, village, note, year):
    before = _check(shared_db)
    try:
        with shared_db.session() as s:
            register.add_citizen(s, {"full_name": name, "village": village, "note": note, "birth_year": year})
        added = 1
    except ValidationError:
        added = 0
    assert _check(shared_db) == before + added
