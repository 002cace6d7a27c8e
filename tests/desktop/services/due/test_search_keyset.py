"""Keyset ("seek") paging of the sorted listing: pages concatenate to the full listing, no gaps or repeats."""

from __future__ import annotations

import datetime as dt

import pytest

from common.vietnamese import NameOrder, fold
from desktop.services.demo import create_demo
from desktop.services.due.search import CitizenQuery, count_citizens, is_listing, query_citizens, seek_key

ON = dt.date(2026, 3, 1)


@pytest.fixture
def demo(db):
    create_demo(db, 700, seed=5, today=ON)
    return db


def _seek_all(s, q: CitizenQuery, page: int) -> list[int]:
    ids: list[int] = []
    after = None
    for _ in range(1000):
        rows = query_citizens(s, q, limit=page, after=after)
        ids.extend(r.id for r in rows)
        if len(rows) < page:
            break
        after = seek_key(rows[-1])
        assert after is not None
    return ids


@pytest.mark.parametrize("order", [NameOrder.GIVEN, NameOrder.FAMILY])
@pytest.mark.parametrize("filters", [
    {},
    {"status": "new"},
    {"due_kind": "first_card", "on": ON},
    {"village": True},
])
def test_seek_pages_equal_the_full_listing(demo, order, filters) -> None:
    with demo.session() as s:
        f = dict(filters)
        if f.pop("village", False):
            f["village_key"] = fold(query_citizens(s, CitizenQuery(), limit=1)[0].village)
        q = CitizenQuery(order=order, **f)
        assert is_listing(q)
        total = count_citizens(s, q)
        assert total > 0
        full = [r.id for r in query_citizens(s, q, 0, total + 10)]
        assert len(full) == total
        for page in (1, 7, 50, 200):
            ids = _seek_all(s, q, page)
            assert ids == full, (page, filters)
            assert len(set(ids)) == total


def test_ties_on_the_sort_key_are_not_skipped(demo) -> None:
    with demo.session() as s:
        rows = query_citizens(s, CitizenQuery(), 0, 1000)
        keys = [r.sort_key for r in rows]
        assert len(set(keys)) < len(keys), "the demo must have people with the same name"
        # start right after the first row of a run of equal names
        i = next(i for i in range(len(keys) - 1) if keys[i] == keys[i + 1])
        nxt = query_citizens(s, CitizenQuery(), limit=5, after=seek_key(rows[i]))
        assert [r.id for r in nxt] == [r.id for r in rows[i + 1:i + 6]]


def test_seek_matches_offset_paging_and_search_rows_have_no_key(demo) -> None:
    with demo.session() as s:
        q = CitizenQuery(order=NameOrder.FAMILY)
        first = query_citizens(s, q, 0, 100)
        assert [r.id for r in query_citizens(s, q, limit=100, after=seek_key(first[-1]))] == [
            r.id for r in query_citizens(s, q, 100, 100)]
        hits = query_citizens(s, CitizenQuery(text="nguyen"), 0, 5)
        assert hits and all(seek_key(r) is None for r in hits)
        with pytest.raises(ValueError):
            query_citizens(s, CitizenQuery(text="nguyen"), after=("x", 1))
        assert query_citizens(s, q, limit=5, after=seek_key(query_citizens(s, q, 0, 1000)[-1])) == []
