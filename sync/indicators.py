"""The one definition of the indicators, shared by the laptop and the hub (the report contract's vocabulary).

Every other place — counting, day close, the report schema, hub intake and storage, the dashboard, the
exports, the printouts, the CLI and the UI — iterates over `REGISTRY` (or the names derived from it) instead
of spelling indicator keys or words. Adding an indicator is one `Indicator(...)` here plus, on the hub, the
storage migration that `tests/province/test_indicator_storage.py` names (docs/hub.md "Adding an indicator").

The order of `REGISTRY` is the order on paper, on screen and in the exports. `main` indicators carry
targets (progress, % of target, ranking); the others are context (attendance) shown beside them.
Wordings: `vi` is the printed (A4) line, `vi_heading` the province table's column, `vi_short` a tight
column or a code slip, `vi_inline` the word inside a Vietnamese sentence; `en`/`en_short` the same in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")  # also a SQL column name on the hub: lower-case identifiers only


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: what it is called, which status events count for it, and its role."""

    key: str  # the wire name (report totals) and the hub's column name
    vi: str
    en: str
    vi_heading: str
    vi_short: str
    vi_inline: str
    en_short: str
    events: tuple[str, ...]  # the status event type that counts for it (one, see check()); a citizen once a day
    main: bool  # a target indicator (True) or context (False)
    village_target: bool = True  # a per-village target may be set for it (desktop `target village`)


REGISTRY: tuple[Indicator, ...] = (
    Indicator("card_captured", vi="Hồ sơ cấp thẻ căn cước đã thu nhận", en="ID card dossiers captured",
              vi_heading="Hồ sơ thẻ căn cước", vi_short="Thẻ căn cước", vi_inline="hồ sơ thẻ căn cước",
              en_short="card", events=("card_captured",), main=True),
    Indicator("vneid_l2_captured", vi="Hồ sơ VNeID mức 2 đã thu nhận", en="VNeID level-2 dossiers captured",
              vi_heading="Hồ sơ VNeID mức 2", vi_short="VNeID mức 2", vi_inline="VNeID mức 2",
              en_short="VNeID L2", events=("vneid_l2_captured",), main=True),
    Indicator("vneid_activated", vi="Tài khoản VNeID đã kích hoạt", en="VNeID accounts activated",
              vi_heading="Kích hoạt VNeID", vi_short="Kích hoạt", vi_inline="kích hoạt",
              en_short="activated", events=("vneid_activated",), main=True),
    Indicator("attended", vi="Số người đến", en="People attended", vi_heading="Có mặt", vi_short="Đến",
              vi_inline="đến", en_short="attended", events=("attended",), main=False),
    Indicator("no_show", vi="Số người vắng", en="No-shows", vi_heading="Vắng mặt", vi_short="Vắng",
              vi_inline="vắng", en_short="no-show", events=("no_show",), main=False, village_target=False),
)


class RegistryError(ValueError):
    """A registry that other code could not iterate safely (duplicate key, an event counted twice, a bad key)."""


def check(registry: tuple[Indicator, ...]) -> None:
    """Refuse a registry with a duplicate or non-identifier key, or an event that counts for two indicators
    (the counting query maps each event to exactly one indicator)."""
    seen: set[str] = set()
    events: dict[str, str] = {}
    for ind in registry:
        if not _KEY.match(ind.key):
            raise RegistryError(f"indicator key {ind.key!r}: lower-case letters, digits and '_' only")
        if ind.key in seen:
            raise RegistryError(f"indicator {ind.key!r} defined twice")
        seen.add(ind.key)
        if len(ind.events) != 1:
            # Counting is one grouped query by event type with the first-of-day rule per event type
            # (desktop/services/figures/indicators.py); several events for one indicator would count a
            # citizen once per event kind. Widen that rule (group by the indicator) before lifting this.
            raise RegistryError(f"indicator {ind.key!r} must count exactly one status event")
        for ev in ind.events:
            if ev in events:
                raise RegistryError(f"event {ev!r} counts for both {events[ev]!r} and {ind.key!r}")
            events[ev] = ind.key


check(REGISTRY)

KEYS: tuple[str, ...] = tuple(i.key for i in REGISTRY)
MAIN: tuple[str, ...] = tuple(i.key for i in REGISTRY if i.main)
CONTEXT: tuple[str, ...] = tuple(i.key for i in REGISTRY if not i.main)
VILLAGE_TARGETS: tuple[str, ...] = tuple(i.key for i in REGISTRY if i.village_target)
BY_KEY: dict[str, Indicator] = {i.key: i for i in REGISTRY}
EVENT_TO_KEY: dict[str, str] = {ev: i.key for i in REGISTRY for ev in i.events}
EVENTS: tuple[str, ...] = tuple(EVENT_TO_KEY)


def install(registry: tuple[Indicator, ...]) -> None:
    """Replace the registry and the names derived from it, before any other module reads them.

    For a process that must run with another set of indicators (the test that adds a fictitious one does
    this first thing in a subprocess); modules imported afterwards see the new registry."""
    global REGISTRY, KEYS, MAIN, CONTEXT, VILLAGE_TARGETS, BY_KEY, EVENT_TO_KEY, EVENTS
    check(registry)
    REGISTRY = registry
    KEYS = tuple(i.key for i in registry)
    MAIN = tuple(i.key for i in registry if i.main)
    CONTEXT = tuple(i.key for i in registry if not i.main)
    VILLAGE_TARGETS = tuple(i.key for i in registry if i.village_target)
    BY_KEY = {i.key: i for i in registry}
    EVENT_TO_KEY = {ev: i.key for i in registry for ev in i.events}
    EVENTS = tuple(EVENT_TO_KEY)


def label(key: str, lang: str = "vi", *, short: bool = False) -> str:
    """The indicator's words in `lang` ("vi"/"en"); an unknown key is shown as itself."""
    ind = BY_KEY.get(key)
    if ind is None:
        return key
    if lang == "en":
        return ind.en_short if short else ind.en
    return ind.vi_short if short else ind.vi


def zeros() -> dict[str, int]:
    """Every indicator at zero, in registry order."""
    return dict.fromkeys(KEYS, 0)
