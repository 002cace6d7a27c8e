"""What a write changed (after Anki's `OpChanges`), declared by the service that writes, not by the screen.

A write service says once, next to its code, which parts of the laptop's data it may change:
`@declares(Changes(statuses=True))`. The UI's worker functions (`desktop/ui/operations`) pass
`changes_of(service_fn)` on to the runner, which tells every view; no screen guesses what a write touched.
Qt-free and database-free, so services, the CLI and the UI may all import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed; views refresh only for what concerns them."""

    citizens: bool = False  # register rows (names, villages, new people)
    statuses: bool = False  # status events (check-in, captures)
    schedule: bool = False  # sessions, slots, appointments
    points: bool = False
    commune: bool = False
    settings: bool = False
    reports: bool = False  # day closes and the outbox (the sync panel)

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})


OpChanges = Changes  # Anki's name for the same idea

# Everything a merge from another laptop of the group may change (LAN sync, a USB file).
PEER_MERGE = Changes(citizens=True, statuses=True, schedule=True, points=True, settings=True)

_DECLARED: dict[Callable[..., Any], Changes] = {}


def declares(changes: Changes) -> Callable[[F], F]:
    """Mark a write service with what it changes; the function itself is returned unchanged."""

    def mark(fn: F) -> F:
        _DECLARED[fn] = changes
        return fn

    return mark


def changes_of(*fns: Callable[..., Any]) -> Changes:
    """The union of what the given services declare; a service that declares nothing is a bug, said loudly."""
    out = Changes()
    for fn in fns:
        try:
            out |= _DECLARED[fn]
        except KeyError:
            raise LookupError(f"{getattr(fn, '__qualname__', fn)} declares no changes (desktop.changes.declares)") from None
    return out
