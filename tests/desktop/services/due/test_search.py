"""Search ranking, folding, paging and filters over a real migrated database (FTS5 trigram)."""

from __future__ import annotations

import datetime as dt

import pytest

from common.vietnamese import NameOrder, sort_key
from desktop.services.demo import create_demo
from desktop.services.due.search import CitizenQuery, count_citizens, query_citizens, search, villages
from tests.support.register import add_citizen


@pytest.fixture
def people(db):
    with db.session() as s:
        add_citizen(s, "Trần Văn An", id_number="056090001111", phone="0905111222", village="Tổ dân phố 3",
                    birth_date=dt.date(1990, 5, 1))
        add_citizen(s, "An Thị Hoà", id_number="056190002222", village="Thôn Đông Bắc",
                    birth_date=dt.date(1990, 6, 1))
        add_citizen(s, "Nguyễn Thị Thuý", id_number="056185003333", phone="0914555666", village="Thôn Phước Hòa",
                    birth_date=dt.date(1985, 1, 2))
        add_citizen(s, "Nguyễn Văn Thủy", id_number="079080004444", village="Thôn Đông Bắc",
                    birth_date=dt.date(1980, 2, 2))
        add_citizen(s, "Đặng Hữu Phước", id_number="056070005555", phone="0905999000", village="Tổ dân phố 3",
                    birth_date=dt.date(1970, 3, 3))
        add_citizen(s, "Dương Thị Đào", village="Thôn Đông Bắc", birth_year=1950)
        add_citizen(s, "Lê Hoàng Nam", id_number="056090005556", village="Thôn Phước Hoà",
                    birth_date=dt.date(1990, 7, 7))
    return db


def names(rows) -> list[str]:
    return [r.full_name for r in rows]


def test_exact_id_then_prefix_then_substring(people) -> None:
    with people.session() as s:
        rows = search(s, "056090005556").rows
        assert names(rows) == ["Lê Hoàng Nam"]
        # 10 digits: the ID prefix tier (two numbers), then substrings elsewhere
        rows = search(s, "0560900055").rows
        assert names(rows) == ["Lê Hoàng Nam"]
        rows = search(s, "05609").rows  # ID prefixes, in ID order
        assert [r.id_number for r in rows] == ["056090001111", "056090005556"]
        # "an": full-name prefix (An Thị Hoà) before given-name prefix (Trần Văn An) before substrings
        rows = search(s, "an").rows
        assert names(rows)[:2] == ["An Thị Hoà", "Trần Văn An"]
        assert "Đặng Hữu Phước" in names(rows)  # "dang" contains "an"
        # a name prefix beats a substring hit in the village
        rows = search(s, "hoa").rows
        assert names(rows)[0] == "An Thị Hoà"  # given name Hoà; then Hoàng, then the village Phước Hòa
        assert names(rows).index("An Thị Hoà") < names(rows).index("Nguyễn Thị Thuý")


def test_tiers_in_order(people) -> None:
    with people.session() as s:
        rows = search(s, "nguyen").rows
        assert names(rows) == ["Nguyễn Thị Thuý", "Nguyễn Văn Thủy"]
        # "thuy": given-name prefix tier (both Thuý/Thủy), nothing before it
        rows = search(s, "thuy").rows
        assert set(names(rows)) == {"Nguyễn Thị Thuý", "Nguyễn Văn Thủy"}
        # "phuoc": full-name prefix none, given-name prefix Phước, then village substring (Thôn Phước Hoà)
        rows = search(s, "phuoc").rows
        assert names(rows)[0] == "Đặng Hữu Phước"
        assert set(names(rows)[1:]) == {"Nguyễn Thị Thuý", "Lê Hoàng Nam"}


@pytest.mark.parametrize("text", ["Nguyễn Thị Thuý", "nguyen thi thuy", "NGUYỄN THỊ THÚY", "nguyễn thị thuý"])
def test_diacritics_case_tone_placement(people, text: str) -> None:
    with people.session() as s:
        assert names(search(s, text).rows)[0] == "Nguyễn Thị Thuý"


def test_d_and_dstroke(people) -> None:
    with people.session() as s:
        assert names(search(s, "dang").rows) == ["Đặng Hữu Phước"]
        assert names(search(s, "Đặng").rows) == ["Đặng Hữu Phước"]
        assert "Dương Thị Đào" in names(search(s, "dao").rows)
        # village names fold too
        assert count_citizens(s, CitizenQuery(text="thôn phước hoà")) == 2
        assert count_citizens(s, CitizenQuery(text="thon phuoc hoa")) == 2


def test_multi_word_and_short_words(people) -> None:
    with people.session() as s:
        assert names(search(s, "nguyen van").rows) == ["Nguyễn Văn Thủy"]
        # words side by side first, then the words anywhere ("van" contains "an")
        assert names(search(s, "van an").rows) == ["Trần Văn An", "Nguyễn Văn Thủy"]
        rows = names(search(s, "thi h").rows)  # "h" is too short for trigrams: filtered by LIKE
        assert rows[0] == "An Thị Hoà" and set(rows) == {"An Thị Hoà", "Nguyễn Thị Thuý", "Dương Thị Đào"}
        assert search(s, "xyzq").rows == []
        assert len(search(s, "   ").rows) == 7  # blank text is the plain listing


def test_phone_and_id_prefixes(people) -> None:
    with people.session() as s:
        assert set(names(search(s, "0905").rows)) == {"Trần Văn An", "Đặng Hữu Phước"}
        assert names(search(s, "0914 555").rows) == ["Nguyễn Thị Thuý"]
        assert names(search(s, "+84914555666").rows) == ["Nguyễn Thị Thuý"]
        rows = search(s, "079").rows
        assert names(rows)[0] == "Nguyễn Văn Thủy"  # ID prefix first
        rows = search(s, "005556").rows  # substring of an ID number
        assert names(rows) == ["Lê Hoàng Nam"]


def test_paging_without_duplicates(db) -> None:
    create_demo(db, 600, seed=3, today=dt.date(2026, 3, 1))
    with db.session() as s:
        for text in ["an", "nguyen", "thi", "hoa", "09", "056", "thon"]:
            total = count_citizens(s, CitizenQuery(text=text))
            assert total > 0, text
            seen: list[int] = []
            offset = 0
            for _ in range(200):
                page = search(s, text, limit=17, offset=offset)
                seen.extend(r.id for r in page.rows)
                offset += 17
                if not page.has_more:
                    break
            assert len(seen) == len(set(seen)) == total, text
            # one big page equals the concatenated small pages
            assert [r.id for r in query_citizens(s, CitizenQuery(text=text), 0, total + 5)] == seen


def test_listing_sorted_and_filtered(people) -> None:
    with people.session() as s:
        rows = query_citizens(s, CitizenQuery())
        keys = [r.full_name for r in rows]
        from common.vietnamese import name_sort_key

        assert keys == sorted(keys, key=lambda n: name_sort_key(n, NameOrder.GIVEN))
        fam = names(query_citizens(s, CitizenQuery(order=NameOrder.FAMILY)))
        assert fam[:3] == ["An Thị Hoà", "Dương Thị Đào", "Đặng Hữu Phước"]
        village = names(query_citizens(s, CitizenQuery(village_key="to dan pho 3")))
        assert set(village) == {"Trần Văn An", "Đặng Hữu Phước"}
        assert names(query_citizens(s, CitizenQuery(text="an", village_key="thon dong bac"))) == ["An Thị Hoà", "Nguyễn Văn Thủy"]
        assert count_citizens(s, CitizenQuery(village_key="thon dong bac")) == 3
        assert count_citizens(s, CitizenQuery(status="new")) == 7
        assert count_citizens(s, CitizenQuery(status="deceased")) == 0
        # due filter: nobody has a card, all are adults → all due a first card
        on = dt.date(2026, 3, 1)
        assert count_citizens(s, CitizenQuery(due_kind="first_card", on=on)) == 7
        assert count_citizens(s, CitizenQuery(due_kind="vneid_register", on=on)) == 0
        page = query_citizens(s, CitizenQuery(), offset=5, limit=5)
        assert len(page) == 2


def test_villages_in_vietnamese_order(people) -> None:
    with people.session() as s:
        v = villages(s)
    assert [k for k, _n, _c in v] == ["thon dong bac", "thon phuoc hoa", "to dan pho 3"]
    assert dict((k, c) for k, _n, c in v) == {"thon dong bac": 3, "thon phuoc hoa": 2, "to dan pho 3": 2}
    assert [n for _k, n, _c in v] == sorted([n for _k, n, _c in v], key=sort_key)
