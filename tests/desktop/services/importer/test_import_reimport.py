"""Re-importing updates instead of duplicating; rows without an ID are never merged silently."""

from __future__ import annotations

from sqlalchemy import text

from desktop.services.importer import import_file
from desktop.services.register import statuses
from tests.support.import_files import (
    HEADER,
    PEOPLE,
    citizens,
    fts_ids,
    fts_integrity,
    people_rows,
    write_csv,
)


def test_same_file_twice_is_all_unchanged(db, tmp_path):
    rows = [HEADER, *people_rows(), *people_rows(with_ids=False)[:2]]
    rows[-1][1] = "Trần Thị Bình Mới"  # an ID-less row that is nobody else
    rows[-2][1] = "Nguyễn Văn Ân"  # ID-less, folds like "Nguyễn Văn An": a possible duplicate
    path = write_csv(tmp_path / "ds.csv", rows)
    first = import_file(db, path)
    snapshot = citizens(db)
    second = import_file(db, path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, first.inserted)
    assert second.possible_duplicates == 0
    assert citizens(db) == snapshot
    fts_integrity(db)


def test_updated_file_updates_only_changed_rows(db, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [HEADER, *people_rows()])
    import_file(db, path)
    before = {c["id_number"]: c for c in citizens(db)}
    rows = people_rows()
    rows[1][1] = "Trần Thị Bích Ngọc"  # rename
    rows[2][6] = "0399888777"  # new phone
    rows[3][6] = ""  # blank phone cell: does not erase
    path2 = write_csv(tmp_path / "ds2.csv", [HEADER, *rows])
    r = import_file(db, path2)
    assert (r.inserted, r.updated, r.unchanged) == (0, 2, 2)
    after = {c["id_number"]: c for c in citizens(db)}
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {rows[1][4], rows[2][4]}
    renamed = after[rows[1][4]]
    assert renamed["full_name"] == "Trần Thị Bích Ngọc"
    assert renamed["name_key"] == "tran thi bich ngoc" and renamed["given_key"] == "ngoc"
    assert "tran thi bich ngoc" in renamed["search_text"]
    assert renamed["id"] in fts_ids(db, "bich ngoc")
    assert renamed["id"] not in fts_ids(db, "thi binh")
    assert after[rows[2][4]]["phone"] == "0399888777"
    assert after[rows[2][4]]["id"] in fts_ids(db, "0399888777")
    fts_integrity(db)


def test_update_keeps_status_and_card_flag(db, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [HEADER, *people_rows()])
    import_file(db, path)
    with db.session() as s:
        c = statuses.find_citizen(s, people_rows()[0][4])
        statuses.record_event(s, c, "card_captured")
    rows = people_rows()
    rows[0][5] = "Thôn Mới"
    r = import_file(db, write_csv(tmp_path / "ds2.csv", [HEADER, *rows]))
    assert r.updated == 1
    c = next(c for c in citizens(db) if c["id_number"] == rows[0][4])
    assert (c["status"], c["has_card"], c["village"]) == ("card_captured", 1, "Thôn Mới")
    # A card issue date arriving later sets has_card; nothing ever downgrades it.
    header = [*HEADER, "Ngày cấp"]
    rows2 = [[*row, "02/02/2022" if i == 1 else ""] for i, row in enumerate(people_rows())]
    r = import_file(db, write_csv(tmp_path / "ds3.csv", [header, *rows2]))
    by_id = {c["id_number"]: c for c in citizens(db)}
    assert by_id[rows2[1][4]]["has_card"] == 1 and by_id[rows2[1][4]]["card_issued_on"] == "2022-02-02"
    assert by_id[rows2[0][4]]["has_card"] == 1  # captured earlier, no date in this file
    assert by_id[rows2[2][4]]["has_card"] == 0


def test_possible_duplicates_flagged_not_merged(db, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [HEADER, *people_rows()])
    import_file(db, path)
    # Same people without ID numbers, tone placement and case differing: same folded key.
    rows = people_rows(with_ids=False)
    rows[2][1] = "LÊ THỊ THÚY"
    rows[3][2] = "01/01/1962"  # a different full date: not the same person
    r = import_file(db, write_csv(tmp_path / "ds2.csv", [HEADER, *rows]))
    assert r.inserted == 4 and r.updated == 0
    assert r.possible_duplicates == 3
    all_rows = citizens(db)
    assert len(all_rows) == 8
    by_id = {c["id"]: c for c in all_rows}
    dups = [c for c in all_rows if c["possible_duplicate_of"] is not None]
    assert len(dups) == 3
    for d in dups:
        original = by_id[d["possible_duplicate_of"]]
        assert original["name_key"] == d["name_key"] and original["id_number"] is not None
    warnings = [i for i in r.issues if i.severity == "warning" and "trùng" in i.reason]
    assert sorted(i.row for i in warnings) == [2, 3, 4]
    # Importing the same ID-less file again changes nothing.
    again = import_file(db, tmp_path / "ds2.csv")
    assert (again.inserted, again.unchanged, again.possible_duplicates) == (0, 4, 0)


def test_id_less_duplicates_inside_one_file(db, tmp_path):
    row = ["1", "Vũ Thị Hoa", "1970", "Nữ", "", "Thôn 2", ""]
    r = import_file(db, write_csv(tmp_path / "ds.csv", [HEADER, row, row]))
    assert r.inserted == 2 and r.possible_duplicates == 1
    a, b = citizens(db)
    assert b["possible_duplicate_of"] == a["id"]
    again = import_file(db, tmp_path / "ds.csv")
    assert (again.inserted, again.unchanged) == (0, 2)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM citizens")).scalar() == 2


def test_audit_entry_without_personal_data(db, tmp_path):
    path = write_csv(tmp_path / "ds.csv", [HEADER, *people_rows()])
    import_file(db, path, operator_id=None)
    with db.engine.connect() as conn:
        (detail,) = conn.execute(text("SELECT detail FROM audit_log WHERE action='import'")).scalars()
    assert detail.startswith("ds.csv:") and "thêm 4" in detail
    for name, *_ in PEOPLE:
        assert name not in detail
