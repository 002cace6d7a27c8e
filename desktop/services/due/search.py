"""Search and the queue listing over the commune register.

Search is diacritic-, case- and tone-placement-insensitive (everything is compared as `vietnamese.fold`)
and ranked in tiers that never overlap, each read in index order so a page needs only a few rows:

0. the exact ID number;
1. prefixes: the full name (`name_key` range scan), the given name (`given_key`), for digits the ID
   number and the phone number;
2. several words side by side as typed ("van an"), through the FTS5 trigram index `citizens_fts`;
3. substrings anywhere in name, ID, old CMND, phone or village, through the same index (words of 3+
   characters as quoted phrases, ANDed; shorter words filtered with LIKE on search_text).

Each later tier excludes the rows of the earlier ones by predicate, so paging across tiers has no
duplicates. Without text the listing is sorted in Vietnamese order (`sort_given` / `sort_family`), and
pages deep into it are read by key ("seek" paging): `query_citizens(..., after=seek_key(last_row))`
continues after the last row shown with `(sort_given, id) > (?, ?)`, which SQLite answers from the
`ix_citizens_sort_given` index (rowid is the index's last column), so page 1,000 costs what page 1 does.
Queries go through the session's own DB-API connection: same transaction, less overhead per query.
`search_rows` takes such a connection directly (`Database.reader()`): the CLI's `search` then runs
without SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common.vietnamese import NameOrder, fold, sort_key
from desktop.services.due.rules import DueKind, due_filter_sql
from desktop.services.register.rows import ROW_COLUMNS, CitizenRow, row_from_tuple
from desktop.storage.connect import driver_connection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_HIGH = "\U0010ffff"  # above every character of a folded key: [q, q + _HIGH) is "starts with q"
_NUMERIC = re.compile(r"^\+?[\d .\-]+$")


@dataclass
class CitizenQuery:
    """What the queue table shows: free text (ranked search) or a sorted listing, plus filters."""

    text: str = ""
    village_key: str | None = None
    status: str | None = None
    due_kind: str | None = None
    on: dt.date | None = None  # the day due kinds are computed for (default: today)
    order: NameOrder = NameOrder.GIVEN


@dataclass(frozen=True)
class SearchPage:
    rows: list[CitizenRow] = field(default_factory=list)
    has_more: bool = False


# ------------------------------------------------------------------------------------------ filters
def _filters(q: CitizenQuery) -> tuple[str, dict[str, Any]]:
    conds: list[str] = []
    params: dict[str, Any] = {}
    if q.village_key:
        conds.append("c.village_key = :f_village")
        params["f_village"] = q.village_key
    if q.status:
        conds.append("c.status = :f_status")
        params["f_status"] = q.status
    if q.due_kind:
        frag, p = due_filter_sql(DueKind(q.due_kind), q.on or dt.date.today())
        conds.append(frag)
        params.update(p)
    return (" AND " + " AND ".join(conds)) if conds else "", params


# ------------------------------------------------------------------------------------------- tiers
@dataclass
class _Tier:
    """One ranked tier: its FROM/WHERE, its streaming order, and the predicate that excludes it later."""

    from_where: str
    order: str
    exclude: str  # NULL-safe predicate, true for rows of this tier (used as NOT (...) by later tiers)
    params: dict[str, Any]


def _phone_variants(digits: str) -> str:
    """'+84 905…' / '84905…' → '0905…' (phones are stored in the national form)."""
    if digits.startswith("84") and len(digits) >= 11:
        return "0" + digits[2:]
    return digits


def _fts_query(words: list[str]) -> tuple[str | None, list[str]]:
    """FTS5 MATCH string for words of 3+ characters (quoted phrases, ANDed) and the shorter words."""
    long_words = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words) if long_words else None
    return match, short


def _like_escape(w: str) -> str:
    return w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def build_tiers(text: str) -> list[_Tier]:
    """The tiers for one search text (empty list when the text folds to nothing)."""
    folded = fold(text)
    if not folded:
        return []
    tiers: list[_Tier] = []
    stripped = text.strip()
    if _NUMERIC.match(stripped):
        digits = re.sub(r"\D", "", stripped)
        phone = _phone_variants(digits)
        if len(digits) == 12:
            tiers.append(_Tier("c.id_number = :t0", "c.id_number",
                               "coalesce(c.id_number = :t0, 0)", {"t0": digits}))
        tiers.append(_Tier(
            "c.id_number >= :t1a AND c.id_number < :t1b", "c.id_number",
            "coalesce(c.id_number >= :t1a AND c.id_number < :t1b, 0)", {"t1a": digits, "t1b": digits + _HIGH},
        ))
        tiers.append(_Tier(
            "c.phone >= :t2a AND c.phone < :t2b", "c.phone, c.id",
            "coalesce(c.phone >= :t2a AND c.phone < :t2b, 0)", {"t2a": phone, "t2b": phone + _HIGH},
        ))
        words = [digits] if phone == digits else [digits, phone]
        # Substring tier: a row matching either the digits or the phone form. Twelve digits or more can
        # only be a whole ID number (phones and old CMND are shorter): the exact tier has answered.
        match = " OR ".join(f'"{w}"' for w in words if len(w) >= 3) or None
        short = [] if match else [digits]
        if len(digits) >= 12:
            match, short = None, []
    else:
        tiers.append(_Tier(
            "c.name_key >= :n1a AND c.name_key < :n1b", "c.name_key, c.birth_year, c.village_key, c.id",
            "(c.name_key >= :n1a AND c.name_key < :n1b)", {"n1a": folded, "n1b": folded + _HIGH},
        ))
        words = folded.split(" ")
        if len(words) == 1:
            tiers.append(_Tier(
                "c.given_key >= :n2a AND c.given_key < :n2b", "c.given_key, c.id",
                "(c.given_key >= :n2a AND c.given_key < :n2b)", {"n2a": folded, "n2b": folded + _HIGH},
            ))
        match, short = _fts_query(words)
        if len(words) > 1 and len(folded) >= 3:
            # The words side by side, as typed ("van an" → "Trần Văn An"), before the words anywhere.
            phrase = '"' + folded.replace('"', '""') + '"'
            tiers.append(_Tier(
                "citizens_fts f JOIN citizens c ON c.id = f.rowid WHERE citizens_fts MATCH :p",
                "f.rowid", "(c.search_text LIKE :pl ESCAPE '\\')",
                {"p": phrase, "pl": f"%{_like_escape(folded)}%"},
            ))
    like_params = {f"l{i}": f"%{_like_escape(w)}%" for i, w in enumerate(short)}
    like = " AND ".join(f"c.search_text LIKE :l{i} ESCAPE '\\'" for i in range(len(short)))
    if match:
        fw = "citizens_fts f JOIN citizens c ON c.id = f.rowid WHERE citizens_fts MATCH :m"
        if like:
            fw += " AND " + like
        tiers.append(_Tier(fw, "f.rowid", "0", {"m": match, **like_params}))
    elif like:
        tiers.append(_Tier(like, "c.id", "0", like_params))
    return tiers


def _tier_sql(tiers: list[_Tier], i: int, select: str, filt: str) -> tuple[str, dict[str, Any]]:
    tier = tiers[i]
    fw = tier.from_where if tier.from_where.startswith("citizens_fts") else f"citizens c WHERE {tier.from_where}"
    params = dict(tier.params)
    excl = ""
    for prev in tiers[:i]:
        excl += f" AND NOT {prev.exclude}"
        params.update(prev.params)
    return f"SELECT {select} FROM {fw}{excl}{filt}", params


# ------------------------------------------------------------------------------------------- public
def query_citizens(
    session: Session, q: CitizenQuery, offset: int = 0, limit: int = 100, after: tuple[str, int] | None = None,
) -> list[CitizenRow]:
    """One page of the queue: the ranked search when `q.text` is set, else the sorted listing.

    `after` (the listing only): continue after this `seek_key()` instead of skipping `offset` rows.
    """
    rows, _ = _query(session, q, offset, limit, after)
    return rows


def is_listing(q: CitizenQuery) -> bool:
    """True when the query is the sorted listing (no search text), the case `after=` pages by key."""
    return not (q.text or "").strip() or not fold(q.text)


def seek_key(row: CitizenRow) -> tuple[str, int] | None:
    """The key to pass as `after=` to continue a listing after `row` (None for a search row)."""
    return None if row.sort_key is None else (row.sort_key, row.id)


def _query(
    session: Session, q: CitizenQuery, offset: int, limit: int, after: tuple[str, int] | None = None,
) -> tuple[list[CitizenRow], bool]:
    return _query_raw(driver_connection(session), q, offset, limit, after)


def _query_raw(
    raw: Any, q: CitizenQuery, offset: int, limit: int, after: tuple[str, int] | None = None,
) -> tuple[list[CitizenRow], bool]:
    filt, fparams = _filters(q)
    offset, limit = max(0, int(offset)), max(0, int(limit))
    if is_listing(q):
        order = "c.sort_family" if NameOrder(q.order) is NameOrder.FAMILY else "c.sort_given"
        conds = [filt[5:]] if filt else []
        params: dict[str, Any] = {**fparams, "lim": limit + 1, "off": offset}
        if after is not None:
            # Row values: SQLite seeks the (sort column, rowid) index straight to the key (EXPLAIN QUERY
            # PLAN: "SEARCH c USING INDEX ix_citizens_sort_given (sort_given>?)").
            conds.insert(0, f"({order}, c.id) > (:k_sort, :k_id)")
            params.update(k_sort=after[0], k_id=int(after[1]), off=0)
        where = ("WHERE " + " AND ".join(conds)) if conds else ""
        sql = (f"SELECT {ROW_COLUMNS}, {order} FROM citizens c {where} ORDER BY {order}, c.id "
               "LIMIT :lim OFFSET :off")
        got = raw.execute(sql, params).fetchall()
        return [row_from_tuple(t) for t in got[:limit]], len(got) > limit
    if after is not None:
        raise ValueError("after= pages the sorted listing only; a search pages by offset")
    tiers = build_tiers(q.text)
    out: list[tuple] = []
    skip, need = offset, limit + 1
    for i, tier in enumerate(tiers):
        if need <= 0:
            break
        sql, params = _tier_sql(tiers, i, ROW_COLUMNS, filt)
        params.update(fparams)
        got = raw.execute(f"{sql} ORDER BY {tier.order} LIMIT :lim OFFSET :off",
                          {**params, "lim": need, "off": skip}).fetchall()
        if got:
            out.extend(got)
            need -= len(got)
            skip = 0
        elif skip:
            # The whole tier lies before the requested page: count it to know how far to skip next.
            csql, cparams = _tier_sql(tiers, i, "count(*)", filt)
            cparams.update(fparams)
            skip -= raw.execute(csql, cparams).fetchone()[0]
    return [row_from_tuple(t) for t in out[:limit]], len(out) > limit


def count_citizens(session: Session, q: CitizenQuery) -> int:
    """How many rows the query has in all (slower than a page for broad searches: call it off the keystroke)."""
    raw = driver_connection(session)
    filt, fparams = _filters(q)
    if is_listing(q):
        where = ("WHERE " + filt[5:]) if filt else ""
        return int(raw.execute(f"SELECT count(*) FROM citizens c {where}", fparams).fetchone()[0])
    tiers = build_tiers(q.text)
    total = 0
    for i in range(len(tiers)):
        sql, params = _tier_sql(tiers, i, "count(*)", filt)
        params.update(fparams)
        total += raw.execute(sql, params).fetchone()[0]
    return int(total)


def search(session: Session, text: str, limit: int = 20, offset: int = 0) -> SearchPage:
    """The check-in search box: ranked rows and whether another page exists."""
    return search_rows(driver_connection(session), text, limit, offset)


def search_rows(conn: Any, text: str, limit: int = 20, offset: int = 0) -> SearchPage:
    """`search` over a DB-API connection (sqlite3 or sqlcipher3, e.g. `Database.reader()`)."""
    rows, more = _query_raw(conn, CitizenQuery(text=text), offset, limit)
    return SearchPage(rows, more)


def villages(session: Session) -> list[tuple[str, str, int]]:
    """(village_key, display name, citizens) in Vietnamese order.

    Counts come from the village_key index alone; the name shown is the most common spelling among a
    sample of the village's rows (spellings differ only in tone placement or case, e.g. Hoà/Hòa).
    """
    raw = driver_connection(session)
    counts = raw.execute("SELECT village_key, count(*) FROM citizens GROUP BY village_key").fetchall()
    out = []
    for key, n in counts:
        name = raw.execute(
            "SELECT village FROM (SELECT village FROM citizens WHERE village_key = ? LIMIT 200) "
            "GROUP BY village ORDER BY count(*) DESC, village LIMIT 1",
            (key,),
        ).fetchone()[0]
        out.append((key, name, int(n)))
    out.sort(key=lambda t: (sort_key(t[1]), t[0]))
    return out
