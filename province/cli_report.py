"""`enrollpoint-hub report-setup`: the heading of the committee's papers (unit, parent unit, place, signer,
addressees; the cut-off is `calendar cutoff`'s), kept in hub_settings (province.dashboard.report_setup). Without options it prints
what the papers use now."""

from __future__ import annotations

import argparse
from typing import Any

from province.cli_words import say
from province.dashboard import report_setup
from province.db import HubDB

OPTIONS = {  # option → setting, with its help
    "parent": "parent unit, top-left first line (default: CÔNG AN TỈNH <province>)",
    "unit": "issuing unit, top-left bold (default: PHÒNG CẢNH SÁT QLHC VỀ TTXH)",
    "unit_abbr": "unit abbreviation in the number Số: …/BC-<abbr> (default: PC06)",
    "place": "place before the date (default: the province's name)",
    "signer": "name under the signature (default: blank, signed by hand)",
    "signer_title": "title above the signature (default: TRƯỞNG PHÒNG)",
    "addressee": "Kính gửi of the daily and weekly papers",
    "chairman": "Kính gửi of the 15-day paper",
}


def cmd_report_setup(args: argparse.Namespace, db: HubDB) -> tuple[Any, str]:
    changes = {k: getattr(args, k) for k in OPTIONS if getattr(args, k) is not None}
    if changes:
        with db.session(write=True) as s:
            for key, value in changes.items():
                report_setup.save(s, key, value)
    with db.session() as s:
        now = report_setup.load(s, args.province_name or "").__dict__
    text = "\n".join(say(args.lang, "report.setting", key=k, value=v or "—") for k, v in now.items())
    return now, (say(args.lang, "report.saved", count=len(changes)) + "\n" if changes else "") + text


def add_commands(add: Any) -> None:
    """Register `report-setup` on the hub CLI's parser (`add(name, handler, help)`)."""
    sp = add("report-setup", cmd_report_setup, "show or set the heading of the committee's papers")
    for key, help_ in OPTIONS.items():
        sp.add_argument("--" + key.replace("_", "-"), dest=key, default=None, help=help_)
    sp.add_argument("--province-name", default=None, help="show the defaults as for this province")
