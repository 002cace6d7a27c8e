"""The laptop side of sync.link_policy: probe the hub this database is connected to, map a send run to the
policy's outcome, and run the watch loop `enrollpoint sync --watch` uses (the app's AutoSender drives the same
Pacer from its timer).

A probe needs only the hub's address (no token: GET /api/v1/hello is public and costs the hub nothing). A
laptop with no address or no credentials skips the probe: the send then says why in its own words.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from desktop import config
from desktop.services.province_link import hub_ca, hub_link, outbox
from desktop.settings_keys import KEY_HUB_PUBLIC_KEY, KEY_HUB_URL
from desktop.storage.db import Database
from sync import link_policy
from sync.client import HubClient, RetryPolicy
from sync.link_policy import LinkPolicy, Pacer, ProbeResult, SendOutcome, Turn
from sync.outbox_port import SyncResult


def waiting(db: Database) -> int:
    with db.session() as s:
        return outbox.waiting_count(s)


def probe(db: Database, policy: LinkPolicy | None = None) -> ProbeResult:
    """One hello to the connected hub (timeout ≤ 3 s). No address: "up", so that the send explains."""
    with db.session() as s:
        url, pinned = config.get(s, KEY_HUB_URL), config.get(s, KEY_HUB_PUBLIC_KEY)
    if not url:
        return ProbeResult("up")
    client = HubClient(url, policy=RetryPolicy(link=policy or LinkPolicy()), ca_file=hub_ca.file_for(db, url))
    client.hub_public_key = pinned  # a hello naming another key is not our hub
    try:
        return client.hello()
    finally:
        client.close()


def outcome_of(result: SyncResult) -> SendOutcome:
    """A send run in the policy's terms: sent, silent (the link went away), busy (5xx/429) or failed."""
    kind: link_policy.Outcome = "sent"
    if result.link == "silent":
        kind = "silent"
    elif result.link == "busy":
        kind = "busy"
    elif result.error:
        kind = "failed"
    return SendOutcome(kind, result.sent, result.remaining, result.error, result.retry_after)


def run_watch(
    db: Database,
    report: Callable[[Turn], None],
    *,
    policy: LinkPolicy | None = None,
    retry: RetryPolicy | None = None,
    pacer: Pacer | None = None,
    sleep: Callable[[float], None] | None = None,
    max_turns: int = 0,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """`enrollpoint sync --watch`: probe while something waits, send once the hub answers (sync.link_policy)."""
    sleep = sleep or time.sleep  # looked up now: a test may replace time.sleep
    policy = policy or LinkPolicy()
    retry = retry or RetryPolicy(link=policy)

    def send() -> SendOutcome:
        return outcome_of(hub_link.sync_now(db, policy=retry, sleep=sleep))

    return link_policy.watch(waiting=lambda: waiting(db), probe=lambda: probe(db, policy), send=send,
                             report=report, pacer=pacer or Pacer(policy), sleep=sleep, max_turns=max_turns, stop=stop)
