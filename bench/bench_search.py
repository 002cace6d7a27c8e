"""Search latency on a 200,000-citizen demo register: 1,000 mixed queries through services.search.

Queries: full-name prefixes with and without diacritics, given names, name fragments, multi-word
fragments, ID-number prefixes and full numbers, phone numbers and prefixes. Baseline in the same run: a
naive `search_text LIKE '%q%' LIMIT 21` over the same folded column. Target: p95 < 20 ms.

    python bench/bench_search.py [--db bench/register-200k.db] [--n 200000] [--queries 1000] [--encrypted]

--encrypted measures the app's default: a SQLCipher database (its own file, register-200k-enc.db), keyed
from a plaintext keyring in bench/out (a benchmark never touches the user's keyring).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_db import make_db, write_section  # noqa: E402


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def build_queries(raw, n: int, rng: random.Random) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from common.vietnamese import fold

    rows = raw.execute(
        "SELECT full_name, given_name, id_number, phone FROM citizens ORDER BY random() LIMIT 3000"
    ).fetchall()
    out: list[tuple[str, str]] = []
    makers = []

    def full_prefix(r):  # type: ignore[no-untyped-def]
        words = r[0].split()
        return " ".join(words[: rng.randint(1, len(words))])

    makers.append(("name prefix (diacritics)", full_prefix))
    makers.append(("name prefix (folded)", lambda r: fold(full_prefix(r))))
    makers.append(("given name", lambda r: rng.choice([r[1], fold(r[1])])))
    makers.append(("name fragment", lambda r: fold(r[0])[rng.randrange(0, 4): rng.randrange(7, 12)].strip()))
    makers.append(("two words", lambda r: " ".join(fold(r[0]).split()[-2:])))
    makers.append(("id prefix", lambda r: (r[2] or "056190")[: rng.randint(4, 9)]))
    makers.append(("id number", lambda r: r[2] or "056190001234"))
    makers.append(("phone", lambda r: r[3] or "0905123456"))
    makers.append(("phone prefix", lambda r: (r[3] or "0905")[: rng.randint(4, 7)]))
    for i in range(n):
        kind, f = makers[i % len(makers)]
        q = f(rows[rng.randrange(len(rows))])
        out.append((kind, q or "an"))
    rng.shuffle(out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path(__file__).with_name("register-200k.db"))
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--encrypted", action="store_true", help="SQLCipher database, as the app creates")
    a = ap.parse_args()
    if a.encrypted:
        import os

        os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
        os.environ["XDG_DATA_HOME"] = str(Path(__file__).resolve().parent / "out" / "keyring")
        if a.db == Path(__file__).with_name("register-200k.db"):
            a.db = Path(__file__).with_name("register-200k-enc.db")
    if not a.db.exists():
        print(f"building {a.db} with {a.n} citizens …", flush=True)
        print(f"  built in {make_db(a.n, a.db, encrypted=a.encrypted):.1f} s", flush=True)

    from common.vietnamese import fold
    from desktop.services.due.search import search
    from desktop.storage.connect import driver_connection
    from desktop.storage.db import open_database

    db = open_database(a.db, encrypted=a.encrypted)
    rng = random.Random(1)
    with db.session() as s:
        raw = driver_connection(s)
        total = raw.execute("SELECT count(*) FROM citizens").fetchone()[0]
        queries = build_queries(raw, a.queries, rng)
        for _k, q in queries[:50]:  # warm the page cache for both methods
            search(s, q)
            raw.execute("SELECT id FROM citizens WHERE search_text LIKE ? LIMIT 21", (f"%{fold(q)}%",)).fetchall()
        ours: list[float] = []
        naive: list[float] = []
        by_kind: dict[str, list[float]] = {}
        empty = 0
        for kind, q in queries:
            t = time.perf_counter()
            page = search(s, q, limit=20)
            dt_ms = (time.perf_counter() - t) * 1000
            ours.append(dt_ms)
            by_kind.setdefault(kind, []).append(dt_ms)
            empty += not page.rows
            t = time.perf_counter()
            raw.execute(
                "SELECT id, full_name FROM citizens WHERE search_text LIKE ? LIMIT 21", (f"%{fold(q)}%",)
            ).fetchall()
            naive.append((time.perf_counter() - t) * 1000)
    db.close()

    def line(name: str, xs: list[float]) -> str:
        return f"| {name} | {len(xs)} | {statistics.median(xs):.2f} | {pct(xs, 95):.2f} | {max(xs):.2f} |"

    kind_of_file = "SQLCipher-encrypted file" if a.encrypted else "plain SQLite file"
    lines = [f"{total} citizens (demo, {kind_of_file}, warm cache), {len(queries)} queries "
             f"({empty} without hits), page size 20, `services.search.search()` per query.", "",
             "| method | queries | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|",
             line("services.search (tiers + FTS5 trigram)", ours),
             line("baseline: LIKE '%q%' on search_text, LIMIT 21", naive)]
    lines += [line(f"&nbsp;&nbsp;{kind}", xs) for kind, xs in sorted(by_kind.items())]
    lines += ["", f"p95 ratio baseline/ours: {pct(naive, 95) / pct(ours, 95):.1f}x; target p95 < 20 ms: "
                  f"{'met' if pct(ours, 95) < 20 else 'NOT met'}."]
    body = "\n".join(lines)
    print(body)
    write_section("Search, encrypted (bench/bench_search.py --encrypted)" if a.encrypted
                  else "Search (bench/bench_search.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
