"""The interface the sender drains: what the laptop's outbox offers (desktop.services.province_link.outbox.DesktopOutbox)
and what a run reports back. Plain data, so the desktop implements it without importing the sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sync.protocol import ImportSummary, Report, ReportOutcome


@dataclass(frozen=True, slots=True)
class OutgoingBatch:
    batch_id: str
    item_ids: tuple[int, ...]
    reports: tuple[Report, ...]
    hashes: dict[int, str]  # item id → content hash at the time of sending
    kept: bool = False  # id kept from an earlier run (the hub may have it)


@dataclass(slots=True)
class ConfirmResult:
    sent: int
    conflicts: list[ReportOutcome]
    unconfirmed: int = 0


@dataclass(slots=True)
class SyncResult:
    sent: int = 0
    conflicts: list[ReportOutcome] = field(default_factory=list)
    remaining: int = 0
    error: str = ""
    requests: int = 0
    auth_failed: bool = False
    link: str = ""  # when the run stopped on the link: "silent" (nothing answered) or "busy" (5xx/429)
    retry_after: float | None = None  # the hub's Retry-After on the last busy answer

    @property
    def ok(self) -> bool:
        return not self.error


class OutboxPort(Protocol):
    """What the sender needs from the laptop's outbox (desktop.services.province_link.outbox.DesktopOutbox)."""

    def take_batches(self, max_reports: int) -> list[OutgoingBatch]: ...

    def confirm(self, batch: OutgoingBatch, summary: ImportSummary) -> ConfirmResult: ...

    def renew(self, batch: OutgoingBatch, parts: int = 1) -> list[OutgoingBatch]: ...

    def release(self, batch: OutgoingBatch) -> None: ...

    def failed(self, batch: OutgoingBatch, message: str) -> None: ...

    def finished(self, result: SyncResult) -> None: ...
