"""Reports to the province: close a day (the report joins the outbox), send what waits to the hub."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from desktop.changes import changes_of
from desktop.settings_keys import KEY_HUB_URL
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo


def close_day(day: dt.date, point_code: str | None, operator: OperatorInfo | None,
              confirm_lower: bool = False) -> WorkerFn:
    """Close the day (one point or all); the value is [(point code, revision)] of the reports written.
    `confirm_lower`: the officer confirmed figures lower than the hub's (a restored laptop: lower figures are refused unless confirmed)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.figures import dayclose

        with job.db.session() as s:
            rows = dayclose.close_day(s, day, point_code, operator=operator, confirm_lower=confirm_lower)
            summary = [(r.point_code, r.revision) for r in rows]
        return OpResult(summary, changes_of(dayclose.close_day))

    return run


def send_reports() -> WorkerFn:
    """Drain the outbox to the hub, then refresh targets (`hub_link.sync_now`): run it with `.network()`."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_link

        return OpResult(hub_link.sync_now(job.db), changes_of(hub_link.sync_now))

    return run


# --- no link at all: USB files, receipts, targets by file, day codes, auto-send ---------------


def export_bundle(path: str) -> WorkerFn:
    """Write every unconfirmed report to a USB file (`hub_link.export_bundle`); value: BundleResult."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_link

        return OpResult(hub_link.export_bundle(job.db, path), changes_of(hub_link.export_bundle))

    return run


def import_receipt(path: str) -> WorkerFn:
    """Confirm exactly the reports a signed receipt of the province lists; value: ReceiptImport."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.import_receipt(job.db, path), changes_of(hub_offline.import_receipt))

    return run


def import_targets_file(path: str) -> WorkerFn:
    """Targets (and the hub's address) from a signed file of the province; value: dict."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.import_targets_file(job.db, path), changes_of(hub_offline.import_targets_file))

    return run


def pending_enrolment() -> WorkerFn:
    """The file enrolment waiting for the province's response (`hub_offline.pending_request`): a dict without
    secrets, or None. Reads the OS keyring, hence a worker and not `app.read`."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.pending_request(job.db))

    return run


def enrol_request(code: str, path: str, device_name: str | None = None) -> WorkerFn:
    """Step 1 of enrolment by file: write the request for the province (`hub_offline.connect_request`, as
    `enrollpoint connect --code … --request-file …`); value: dict (request, commune_code, device_name)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.connect_request(job.db, code, path, device_name or None))

    return run


def enrol_response(path: str, ca_file: str = "") -> WorkerFn:
    """Step 2: complete the enrolment with the province's response (`hub_offline.connect_response`, as
    `enrollpoint connect --response-file … [--ca-file …]`); value: dict (device_id, commune_code, commune_name,
    targets, same_device, device_note: kept its device or became a new one, and why; with `ca_file`, the
    province's CA pinned too: ca_for, certificates)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.connect_by_file(job.db, path, ca_file or None),
                        changes_of(hub_offline.connect_response))

    return run


def day_codes(day: dt.date, point_code: str | None = None) -> WorkerFn:
    """The day's closed totals as short codes for a phone call or an SMS; value: [hub_offline.DayCode]."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_offline

        return OpResult(hub_offline.day_codes(job.db, day, point_code))

    return run


# A background run gives up quickly; the AutoSender's own backoff spaces the runs (seconds to 30 minutes).
AUTO_MAX_ATTEMPTS, AUTO_MAX_RUN_SECONDS = 2, 20.0


def auto_send() -> WorkerFn:
    """The background send: only when something waits and the laptop has a hub address (a laptop enrolled
    by file and never given an address has nowhere to send), and only after a probe (GET /hello) reached the hub:
    otherwise a SyncResult whose `link` says "silent" or "busy" (the AutoSender's pacer decides when to try
    again). Value: SyncResult, or None if nothing to do.
    Run it `.network().quiet()`."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.province_link import hub_link, link_watch, outbox
        from sync.client import RetryPolicy
        from sync.failures import MSG_UNREACHABLE
        from sync.outbox_port import SyncResult

        with job.db.read_session() as s:
            waiting = outbox.waiting_count(s)
        if not waiting or not hub_link.hub_info(job.db)[KEY_HUB_URL]:
            return OpResult(None)
        found = link_watch.probe(job.db)  # one hello (≤ 3 s): the real send only once the hub answered
        if found.outcome != "up":
            return OpResult(SyncResult(remaining=waiting, error=found.message or MSG_UNREACHABLE,
                                       link=found.outcome, retry_after=found.retry_after))
        policy = RetryPolicy(max_attempts=AUTO_MAX_ATTEMPTS, base=0.5, cap=2.0, max_run_seconds=AUTO_MAX_RUN_SECONDS)
        return OpResult(hub_link.sync_now(job.db, policy=policy), changes_of(hub_link.sync_now))

    return run
