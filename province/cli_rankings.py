"""`enrollpoint-hub rankings publish [--on DAY]` (run by a timer at the day's cut-off; a day already
published is left as it was) and `groups import FILE.csv` / `groups list` (the grouping that filters a
ranking). Handlers return (data for --json, text for humans), as in `province.cli`."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from province import commune_groups, workdays
from province.admin import now
from province.cli_files import refuse
from province.cli_words import say
from province.dashboard import published
from province.db import HubDB
from province.models import CommuneGroup

Handler = Callable[[argparse.Namespace, HubDB], tuple[Any, str]]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def cmd_rankings_publish(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        day = args.on or published.default_day(now(), workdays.cutoff(s))
        done = published.publish(s, day)
    lines = [say(args.lang, "rankings.kept" if n is None else "rankings.published", set_id=k, count=n or 0,
                 day=day.isoformat()) for k, n in done.items()]
    data = {"day": day.isoformat(), "sets": [{"set_id": k, "communes": n, "already": n is None}
                                             for k, n in done.items()]}
    return data, "\n".join(lines) or say(args.lang, "rankings.no_sets")


def cmd_groups_import(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    path = Path(args.file)
    try:
        with path.open("rb") as f:
            raw = f.read(commune_groups.MAX_BYTES + 1)
    except OSError as exc:
        raise refuse("file.unreadable", path=str(path), why=exc.strerror or str(exc)) from None
    with db.session(write=True) as s:
        counts = commune_groups.import_groups(s, raw)
    return counts, say(args.lang, "groups.imported", groups=len(counts), rows=sum(counts.values()))


def cmd_groups_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        q = select(CommuneGroup.group_name, func.count()).group_by(CommuneGroup.group_name)
        rows = {g: int(n) for g, n in s.execute(q.order_by(CommuneGroup.group_name))}
    return rows, "\n".join(f"{g}\t{n}" for g, n in rows.items()) or say(args.lang, "groups.none")


def add_parsers(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """`rankings publish` and `groups import|list` on the hub CLI's parser."""
    rk = sub.add_parser("rankings", help="rankings published at the cut-off").add_subparsers(dest="sub",
                                                                                          required=True)
    sp = add("publish", cmd_rankings_publish, "publish the day's rankings (idempotent; for a timer at the cut-off)",
             rk)
    sp.add_argument("--on", type=_date, default=None, metavar="YYYY-MM-DD",
                    help="the day (default: today once its cut-off has passed, else yesterday)")
    grp = sub.add_parser("groups", help="groups of communes (former districts, clusters)").add_subparsers(
        dest="sub", required=True)
    sp = add("import", cmd_groups_import, "replace the grouping with a CSV group,commune_code (all or nothing)", grp)
    sp.add_argument("file", metavar="FILE.csv")
    add("list", cmd_groups_list, "list the groups and their number of communes", grp)
