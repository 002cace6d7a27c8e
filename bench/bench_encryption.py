"""Encryption at rest: import, search, check-in and open speed, SQLCipher vs plain SQLite, same run.

    .venv/bin/python bench/bench_encryption.py [--citizens 20000] [--rounds 2] [--write]

Both variants go through the real code paths: `desktop.services.importer.import_file` for a generated
CSV, `desktop.services.due.search.search` for a fixed mix of check-in searches (names without marks,
given names, ID and phone prefixes, village substrings), `statuses.record_event` one transaction per
check-in (synchronous=FULL, as in the app), and `open_database` of an existing file. Rounds alternate
plain/encrypted and the best round of each is compared (the machine is shared). Target: encrypted at
most 1.5x plain. `--write` appends the table to bench/RESULTS-security.md.

The keyring is a plaintext file keyring in a temp folder (a benchmark must not touch the user's store).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="ep-bench-enc-"))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
os.environ["XDG_DATA_HOME"] = str(TMP / "xdg")
os.environ["ENROLLPOINT_DATA_DIR"] = str(TMP / "data")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import idnumber  # noqa: E402
from desktop.storage.db import open_database  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thị Ngọc", "Minh", "Thanh", "Quốc", "Thị Thu", "Xuân", ""]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phúc", "Phương", "Quang", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Thuý", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến", "Đức", "Đạt", "Ánh", "Ước"]
VILLAGES = ["Thôn Đông", "Thôn Tây", "Thôn Nam Hà", "Thôn Bắc Sơn", "Tổ dân phố 1", "Tổ dân phố 2", "Xóm Mới"]
QUERIES = ["nguyen van", "tran thi", "le", "pham minh", "hoang thi thu", "nhung", "thuy", "duc", "dang",
           "an", "hoa", "ngoc", "001", "0791", "0912", "09", "dong", "bac son", "to dan pho 2", "Nguyễn Thị Hòa"]


def make_csv(path: Path, n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    ids: list[str] = []
    lines = ["Họ và tên,Số định danh,Ngày sinh,Giới tính,Thôn/Tổ dân phố,Số điện thoại"]
    for i in range(n):
        sex = rnd.choice("MF")
        year = rnd.randint(1940, 2011)
        mid = rnd.choice(MIDDLE if sex == "M" else ["Thị", "Thị Ngọc", "Thị Thu", "Ngọc", ""])
        name = " ".join(x for x in (rnd.choice(FAMILY), mid, rnd.choice(GIVEN)) if x)
        idn = idnumber.make(rnd.choice(["001", "079", "056", "038"]), year, sex, i)
        ids.append(idn)
        phone = f"09{rnd.randint(10_000_000, 99_999_999)}"
        lines.append(f"{name},{idn},{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{year},"
                     f"{'Nam' if sex == 'M' else 'Nữ'},{rnd.choice(VILLAGES)},{phone}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return ids


def _same_lib_plain(on: bool) -> None:
    """Plain files through sqlcipher3 without a key: the same SQLite build, so only encryption differs."""
    from desktop.storage import db as dbmod

    if not on:
        dbmod.set_connect_function(None)
        return
    import sqlcipher3

    dbmod.set_connect_function(lambda p: sqlcipher3.connect(p, check_same_thread=False, timeout=10.0))


def one_round(csv: Path, ids: list[str], variant: str, tag: str, events: int) -> dict[str, float]:
    from sqlalchemy import select

    from desktop.models import Citizen
    from desktop.services.due import search
    from desktop.services.importer import import_file
    from desktop.services.register import statuses

    encrypted = variant == "enc"
    _same_lib_plain(variant == "plain353")
    path = TMP / f"{tag}.db"
    db = open_database(path, encrypted=encrypted)
    assert db.encrypted == encrypted
    out: dict[str, float] = {}
    t = time.perf_counter()
    res = import_file(db, csv)
    out["import"] = time.perf_counter() - t
    assert res.inserted == len(ids), res
    rnd = random.Random(3)
    qs = QUERIES * 5 + [ids[rnd.randrange(len(ids))] for _ in range(100)]
    t = time.perf_counter()
    with db.session() as s:
        for q in qs:
            search.search(s, q, limit=20)
    out["search"] = time.perf_counter() - t
    out["search_ms_per_query"] = out["search"] * 1000 / len(qs)
    with db.session() as s:
        cids = list(s.scalars(select(Citizen.id).order_by(Citizen.id).limit(events)))
    t = time.perf_counter()
    for cid in cids:
        with db.session() as s:
            statuses.record_event(s, cid, statuses.EventType.ATTENDED)
    out["checkin"] = time.perf_counter() - t
    db.close()
    t = time.perf_counter()
    db = open_database(path, encrypted=encrypted)
    with db.session() as s:
        search.search(s, "nguyen", limit=20)
    out["open"] = time.perf_counter() - t
    db.close()
    db = open_database(path, encrypted=encrypted)  # fresh connection: SQLite's page cache is cold
    t = time.perf_counter()
    with db.session() as s:
        s.connection().exec_driver_sql(
            "SELECT sum(length(search_text)) + sum(length(full_name)) FROM citizens"
        ).scalar()
        s.connection().exec_driver_sql("SELECT count(*) FROM status_events").scalar()
    out["scan"] = time.perf_counter() - t
    db.close()
    _same_lib_plain(False)
    out["size_mb"] = path.stat().st_size / 1e6
    for f in TMP.glob(f"{tag}.db*"):
        f.unlink()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--citizens", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--events", type=int, default=300)
    ap.add_argument("--write", action="store_true", help="append the result to bench/RESULTS-security.md")
    args = ap.parse_args()
    csv = TMP / "danh_sach.csv"
    ids = make_csv(csv, args.citizens)
    variants = ("plain", "plain353", "enc")
    results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    for r in range(args.rounds):
        for v in (variants if r % 2 == 0 else variants[::-1]):
            res = one_round(csv, ids, v, f"r{r}-{v}", args.events)
            results[v].append(res)
            print(f"round {r} {v:<9}: " + ", ".join(f"{k} {x:.3f}" for k, x in res.items()), flush=True)
    import sqlite3

    import sqlcipher3

    c = sqlcipher3.connect(":memory:")
    cipher = c.execute("PRAGMA cipher_version").fetchone()[0]
    lib = c.execute("SELECT sqlite_version()").fetchone()[0]
    rows = []
    worst = 0.0
    for metric, label in [("import", f"import {args.citizens:,} rows (CSV)"),
                          ("search", f"{len(QUERIES) * 5 + 100} check-in searches"),
                          ("checkin", f"{args.events} check-ins, one commit each"),
                          ("open", "open existing DB + first search"),
                          ("scan", "cold full scan of the register (every page decrypted)")]:
        p = min(x[metric] for x in results["plain"])
        p3 = min(x[metric] for x in results["plain353"])
        e = min(x[metric] for x in results["enc"])
        ratio, ratio3 = e / p, e / p3
        med3 = statistics.median(x[metric] for x in results["enc"]) / statistics.median(
            x[metric] for x in results["plain353"]
        )
        if metric not in ("open", "scan"):
            worst = max(worst, ratio, ratio3)
        rows.append(f"| {label} | {p:.3f} s | {p3:.3f} s | {e:.3f} s | {ratio:.2f}x | {ratio3:.2f}x | {med3:.2f}x |")
    size_p = statistics.mean(x["size_mb"] for x in results["plain"])
    size_e = statistics.mean(x["size_mb"] for x in results["enc"])
    table = "\n".join([
        f"### Encryption at rest (`bench/bench_encryption.py --citizens {args.citizens} --rounds {args.rounds}`)",
        "",
        f"Machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs (shared), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; plain = sqlite3 "
        f"{sqlite3.sqlite_version}, encrypted = sqlcipher3 (SQLCipher {cipher}, SQLite {lib}), raw 256-bit key, "
        "WAL, synchronous=FULL. Best of the rounds; the middle column isolates the cost of encryption from the "
        "SQLite version difference.",
        "",
        "| operation | plain (sqlite3) | plain (sqlcipher3, no key) | encrypted | enc/plain | enc/plain same lib "
        "| same, medians |",
        "|---|---|---|---|---|---|---|",
        *rows,
        f"| file size | {size_p:.1f} MB | | {size_e:.1f} MB | {size_e / size_p:.2f}x | | |",
        "",
        f"Worst best-of-rounds ratio (import/search/check-in): {worst:.2f}x (target <= 1.5x): {'met' if worst <= 1.5 else 'NOT met'}.",
        "",
    ])
    print()
    print(table)
    if args.write:
        out = Path(__file__).with_name("RESULTS-security.md")
        with out.open("a", encoding="utf-8") as f:
            f.write("\n" + table)
        print(f"appended to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
