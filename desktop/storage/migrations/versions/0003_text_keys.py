"""Text keys recomputed with the collation and folding rules of docs/register.md (Vietnamese order).

What changed in `common.vietnamese`: tones order per syllable (wherever the mark sits), digit runs compare
as numbers, "Ð"/"ð" (U+00D0/U+00F0, a Windows-1258 "Đ" read as Windows-1252) become Đ/đ in nfc() and d in
fold(), and names whose clan name comes last ("Y Bih Niê Kdăm", "H'Hen Niê") split into family = the clan
and given = the personal name. So every stored value derived from nfc(), fold(), split_name(), sort_key()
or name_sort_key() is recomputed here:

- citizens: full_name, village, address, note (nfc); family_name, middle_name, given_name; name_key,
  given_key, village_key, search_text (fold); sort_given, sort_family (name_sort_key);
- operators.name (login compares nfc() of what is typed), unless that would clash with another operator;
- points.name, points.address.

Rows are read in id order and written back in batches with executemany, only where a value differs.
search_text is written only for the rows whose folded text changed, so the FTS5 trigger
`citizens_fts_au` (AFTER UPDATE OF search_text) re-indexes exactly those rows in the same transaction;
the other rows are written without touching search_text and the index is left alone. Everything runs
inside the migration's transaction: a failure leaves the database as it was.

The derivations repeat those of desktop/services/register/record.py (name_columns, village_key,
search_text) on purpose: a migration must not change meaning when application code moves.

Downgrade keeps the new keys: the old rules no longer exist in the code, and an older app refuses a
database at this revision anyway.

Revision ID: 0003_text_keys
Revises: 0002_schedule_reports
"""

from __future__ import annotations

from functools import lru_cache

from alembic import op

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, split_name

revision = "0003_text_keys"
down_revision = "0002_schedule_reports"
branch_labels = None
depends_on = None

BATCH = 5000

_CITIZEN_COLS = (
    "full_name", "family_name", "middle_name", "given_name", "name_key", "given_key", "sort_given",
    "sort_family", "village", "village_key", "address", "note",
)


def _search_text(name_key: str, id_number: str | None, old_cmnd: str | None, phone: str | None, vkey: str) -> str:
    return " ".join(p for p in (name_key, id_number, old_cmnd, phone, vkey) if p)


@lru_cache(maxsize=262_144)
def _name_values(full_name: str) -> tuple[str, ...]:
    name = nfc(full_name)
    parts = split_name(name)
    return (
        name, parts.family, parts.middle, parts.given, fold(name), fold(parts.given),
        name_sort_key(name, NameOrder.GIVEN), name_sort_key(name, NameOrder.FAMILY),
    )


@lru_cache(maxsize=65_536)
def _village_values(village: str) -> tuple[str, str]:
    vil = nfc(village)
    return vil, fold(vil) if vil else ""


_nfc = lru_cache(maxsize=65_536)(nfc)


def _citizen_values(full_name: str, village: str, address: str, note: str) -> tuple[str, ...]:
    """_CITIZEN_COLS for one citizen (names and villages repeat: cached)."""
    return (*_name_values(full_name), *_village_values(village), _nfc(address), _nfc(note))


def recompute_citizens(cur, batch: int = BATCH) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Rewrite the derived columns of every citizen on a DB-API cursor; (rows updated, rows re-indexed)."""
    sets = ", ".join(f"{c} = ?" for c in _CITIZEN_COLS)
    plain_sql = f"UPDATE citizens SET {sets} WHERE id = ?"
    fts_sql = f"UPDATE citizens SET {sets}, search_text = ? WHERE id = ?"
    cols = ", ".join(_CITIZEN_COLS)
    last_id = 0
    updated = reindexed = 0
    while True:
        rows = cur.execute(
            f"SELECT id, {cols}, id_number, old_cmnd, phone, search_text FROM citizens WHERE id > ? "
            "ORDER BY id LIMIT ?",
            (last_id, batch),
        ).fetchall()
        if not rows:
            break
        last_id = rows[-1][0]
        plain: list[tuple[object, ...]] = []
        fts: list[tuple[object, ...]] = []
        n = len(_CITIZEN_COLS)
        for row in rows:
            cid, old = row[0], tuple("" if v is None else v for v in row[1 : 1 + n])
            id_number, old_cmnd, phone, old_search = row[1 + n :]
            new = _citizen_values(old[0], old[8], old[10], old[11])
            search = _search_text(new[4], id_number, old_cmnd, phone, new[9])
            if search != (old_search or ""):
                fts.append((*new, search, cid))
            elif new != old:
                plain.append((*new, cid))
        if plain:
            cur.executemany(plain_sql, plain)
        if fts:
            cur.executemany(fts_sql, fts)
        updated += len(plain) + len(fts)
        reindexed += len(fts)
    return updated, reindexed


def _recompute_small_tables(cur) -> None:  # type: ignore[no-untyped-def]
    taken = {name for (name,) in cur.execute("SELECT name FROM operators").fetchall()}
    for oid, name in cur.execute("SELECT id, name FROM operators ORDER BY id").fetchall():
        new = nfc(name)
        if new != name and new not in taken:
            cur.execute("UPDATE operators SET name = ? WHERE id = ?", (new, oid))
            taken.discard(name)
            taken.add(new)
    points = [
        (nfc(name), nfc(address), pid)
        for pid, name, address in cur.execute("SELECT id, name, address FROM points").fetchall()
        if (nfc(name), nfc(address)) != (name, address)
    ]
    if points:
        cur.executemany("UPDATE points SET name = ?, address = ? WHERE id = ?", points)


def upgrade() -> None:
    # The DB-API connection underneath Alembic's: same transaction, no per-row SQLAlchemy overhead.
    dbapi = op.get_bind().connection.dbapi_connection
    cur = dbapi.cursor()
    try:
        recompute_citizens(cur)
        _recompute_small_tables(cur)
    finally:
        cur.close()


def downgrade() -> None:
    pass
