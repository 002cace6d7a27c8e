"""Admin commands for the steering committee's views: the daily cut-off and the working-day calendar
(`calendar …`) and the leader named per commune (`leader …`), all audited (province/workdays.py). Handlers
return (data for --json, text for humans), as in `province.cli`, which wires them in with `add_parsers`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from province import workdays
from province.cli_words import say
from province.db import HubDB

Handler = Callable[[argparse.Namespace, HubDB], tuple[Any, str]]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def cmd_calendar_show(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rules = workdays.load(s)
        days = [{"day": d.day.isoformat(), "working": d.working, "note": d.note}
                for d in workdays.calendar_days(s, args.year)]
    lines = [say(args.lang, "calendar.cutoff", cutoff=rules.cutoff_text())]
    lines += [say(args.lang, "calendar.row_work" if d["working"] else "calendar.row_holiday", day=d["day"],
                  note=d["note"]) for d in days]
    return {"cutoff": rules.cutoff_text(), "days": days}, "\n".join(lines)


def cmd_calendar_cutoff(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        cutoff = workdays.set_cutoff(s, args.time)
    text = cutoff.strftime("%H:%M:%S" if cutoff.second else "%H:%M")
    return {"cutoff": text}, say(args.lang, "calendar.cutoff_set", cutoff=text)


def _set_day(args: argparse.Namespace, db: HubDB, working: bool | None, message: str) -> tuple[Any, str]:
    with db.session(write=True) as s:
        workdays.set_day(s, args.day, working, getattr(args, "note", "") or "")
    return {"day": args.day.isoformat(), "working": working}, say(args.lang, message, day=args.day.isoformat())


def cmd_calendar_holiday(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    return _set_day(args, db, False, "calendar.holiday")


def cmd_calendar_workday(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    return _set_day(args, db, True, "calendar.workday")


def cmd_calendar_clear(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    return _set_day(args, db, None, "calendar.clear")


def cmd_leader_set(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session(write=True) as s:
        code = workdays.set_leader(s, args.commune, args.name)
    name = " ".join((args.name or "").split())
    return {"commune_code": code, "name": name}, say(args.lang, "leader.set" if name else "leader.clear",
                                                     commune=code, name=name)


def cmd_leader_list(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    with db.session() as s:
        rows = sorted(workdays.leaders(s).items())
    return ([{"commune_code": c, "name": n} for c, n in rows],
            "\n".join(f"{c}\t{n}" for c, n in rows) or say(args.lang, "leader.none"))


def add_parsers(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """`calendar show|cutoff|holiday|workday|clear` and `leader set|list` on the hub CLI's parser."""
    cal = sub.add_parser("calendar", help="the daily cut-off and working days").add_subparsers(dest="sub",
                                                                                               required=True)
    sp = add("show", cmd_calendar_show, "show the cut-off and the days set apart from Monday–Friday", cal)
    sp.add_argument("--year", type=int, default=None)
    sp = add("cutoff", cmd_calendar_cutoff, "set the daily cut-off, Vietnam time (default 16:30)", cal)
    sp.add_argument("time", metavar="HH:MM")
    for name, func, help_ in (("holiday", cmd_calendar_holiday, "a day off (no report expected)"),
                              ("workday", cmd_calendar_workday, "a make-up working day (a report expected)"),
                              ("clear", cmd_calendar_clear, "back to the Monday–Friday rule")):
        sp = add(name, func, help_, cal)
        sp.add_argument("day", type=_date, metavar="YYYY-MM-DD")
        if name != "clear":
            sp.add_argument("--note", default="", help="e.g. Quốc khánh")
    leader = sub.add_parser("leader", help="the leader answering for a commune's reporting").add_subparsers(
        dest="sub", required=True)
    sp = add("set", cmd_leader_set, "name the leader of a commune (an empty name clears it)", leader)
    sp.add_argument("commune")
    sp.add_argument("name")
    add("list", cmd_leader_list, "list the named leaders", leader)
