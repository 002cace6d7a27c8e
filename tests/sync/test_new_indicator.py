"""One definition of the indicators: a sixth indicator added to the registry alone (sync/indicators.py) is
counted by the laptop's day close, travels in the report, is stored by the hub's intake and shown on its
dashboard and in its exports, and appears in the laptop's XLSX report — with no other code naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync import indicators

ROOT = Path(__file__).resolve().parents[2]


def test_a_fictitious_indicator_in_the_registry_reaches_every_figure(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "tests.support.new_indicator", str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    # Two citizens were handed their card at P1 that day (the indicator's event, `card_delivered`).
    assert found["day_close"] == 2 and found["day_close_village"] == 2  # the laptop's day close
    assert found["report"] == 2  # the wire report (sync.protocol.Report totals)
    assert found["laptop_xlsx"]  # the laptop's daily report as XLSX names it
    assert found["missing_before_migration"] == ["card_handed_over"]  # storage named the migration it needs
    assert found["intake_status"] == 200 and found["stored"] == 2 and found["commune_total"] == 2  # hub intake
    assert found["dashboard_heading"] and found["commune_page"]  # the province table and the commune page
    assert found["csv"] == "2" and found["xlsx"] == 2  # the province exports


def test_the_real_registry_is_the_protocol_and_the_counting() -> None:
    from desktop.services.figures import indicators as figures
    from sync import protocol

    assert protocol.INDICATORS == figures.INDICATORS == indicators.KEYS
    assert indicators.KEYS == ("card_captured", "vneid_l2_captured", "vneid_activated", "attended", "no_show")
    assert indicators.MAIN == ("card_captured", "vneid_l2_captured", "vneid_activated")
    assert indicators.label("vneid_activated") == "Tài khoản VNeID đã kích hoạt"  # the printed words
    assert indicators.label("no_show", "en", short=True) == "no-show"


@pytest.mark.parametrize(("extra", "words"), [
    (indicators.Indicator("card_captured", vi="x", en="x", vi_heading="x", vi_short="x", vi_inline="x", en_short="x",
                          events=("card_delivered",), main=True), "defined twice"),
    (indicators.Indicator("handed", vi="x", en="x", vi_heading="x", vi_short="x", vi_inline="x", en_short="x",
                          events=("attended",), main=False), "counts for both"),
    (indicators.Indicator("Handed-Over", vi="x", en="x", vi_heading="x", vi_short="x", vi_inline="x", en_short="x",
                          events=("card_delivered",), main=True), "lower-case"),
    (indicators.Indicator("handed", vi="x", en="x", vi_heading="x", vi_short="x", vi_inline="x", en_short="x",
                          events=("card_delivered", "card_issued"), main=True), "exactly one"),
])
def test_a_registry_other_code_could_not_iterate_is_refused(extra: indicators.Indicator, words: str) -> None:
    with pytest.raises(indicators.RegistryError, match=words):
        indicators.check((*indicators.REGISTRY, extra))
