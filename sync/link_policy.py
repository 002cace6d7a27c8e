"""When to try the hub again: one policy for both senders (`enrollpoint sync --watch` and the app's auto-sender).

An island's link comes back in windows of ten minutes. Two kinds of failure need two answers:
- nothing answers (refused, connect timeout, DNS failure, or a captive portal that is not the hub): the link
  is away, not the hub busy, and a probe costs the hub nothing. Probe again every 15–30 s (jittered so that
  laptops do not move in step), forever, with one small request whose timeout is ≤ 3 s; start the real send
  only after a probe has reached the hub;
- the hub answers but asks to slow down (5xx, 429, Retry-After): back off with jitter up to a cap, and never
  sooner than the hub asked.
`Pacer` keeps the count of busy answers and turns each outcome into the next wait; `watch` is the loop the
CLI runs (the app drives the same Pacer from a QTimer). Clock, sleep and randomness are injected.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from common import backoff

# What one try found: "up" (the hub answered its hello), "silent" (nothing that is the hub answered),
# "busy" (the hub answered 5xx/429), "idle" (nothing waits), "sent" (a send run ended without error),
# "failed" (a send run ended with an error that waiting on the link will not cure, e.g. a revoked token).
Outcome = Literal["up", "silent", "busy", "idle", "sent", "failed"]


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    probe_min: float = 15.0  # seconds between probes while nothing answers: uniform in [probe_min, probe_max)
    probe_max: float = 30.0
    probe_timeout: float = 3.0  # connect and read timeout of one probe
    base: float = 15.0  # busy hub: equal jitter base · 2^(n−1), capped
    cap: float = 300.0
    retry_after_max: float = 3600.0  # a hub's Retry-After is honoured up to this
    idle: float = 60.0  # nothing waits: look at the outbox again after this

    def probe_wait(self, rng: Callable[[], float]) -> float:
        return self.probe_min + (self.probe_max - self.probe_min) * rng()

    def busy_wait(self, attempt: int, rng: Callable[[], float], retry_after: float | None = None) -> float:
        wait = backoff.equal_jitter(attempt, self.base, self.cap, rng)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(self.retry_after_max, retry_after))
        return wait


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe's finding. `hub` = the hub's identity when it answered (protocol, key fingerprint)."""

    outcome: Literal["up", "silent", "busy"]
    message: str = ""
    retry_after: float | None = None
    protocol: int = 0
    key_fingerprint: str = ""


class Pacer:
    """Outcome → seconds to wait before the next try. Busy answers in a row grow the wait; anything else resets."""

    def __init__(self, policy: LinkPolicy | None = None, rng: Callable[[], float] = random.random) -> None:
        self.policy = policy or LinkPolicy()
        self.rng = rng
        self.busy_count = 0

    def next_wait(self, outcome: Outcome, retry_after: float | None = None) -> float:
        p = self.policy
        if outcome in ("busy", "failed"):
            self.busy_count += 1
            return p.busy_wait(self.busy_count, self.rng, retry_after)
        self.busy_count = 0
        if outcome == "silent":
            return p.probe_wait(self.rng)
        if outcome == "up":
            return 0.0
        return p.idle  # idle or sent


@dataclass(frozen=True, slots=True)
class Turn:
    """What one turn of `watch` did, for the caller to print: outcome, the wait that follows, the run's
    numbers when a send ran (sent, remaining) and its words."""

    outcome: Outcome
    wait: float
    sent: int = 0
    remaining: int = 0
    message: str = ""


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """How a send run ended, in the policy's terms (the caller maps its SyncResult to this)."""

    outcome: Outcome  # sent, silent, busy or failed
    sent: int = 0
    remaining: int = 0
    message: str = ""
    retry_after: float | None = None


def watch(
    *,
    waiting: Callable[[], int],
    probe: Callable[[], ProbeResult],
    send: Callable[[], SendOutcome],
    report: Callable[[Turn], None],
    pacer: Pacer | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_turns: int = 0,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Run turns until `max_turns` (0: forever) or `stop()`: nothing waits → idle; else probe, and send only
    when the probe reached the hub. Returns the number of turns."""
    pacer = pacer or Pacer()
    turns = 0
    while not stop() and (not max_turns or turns < max_turns):
        turns += 1
        if not waiting():
            turn = Turn("idle", pacer.next_wait("idle"))
        else:
            found = probe()
            if found.outcome != "up":
                turn = Turn(found.outcome, pacer.next_wait(found.outcome, found.retry_after), message=found.message)
            else:
                done = send()
                turn = Turn(done.outcome, pacer.next_wait(done.outcome, done.retry_after), done.sent, done.remaining,
                            done.message)
        report(turn)
        if max_turns and turns >= max_turns:
            break
        sleep(turn.wait)
    return turns
