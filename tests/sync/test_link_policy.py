"""The one link policy (sync.link_policy): probe cadence while nothing answers, backoff when the hub is busy,
and the watch loop sends only after a probe reached the hub."""

from __future__ import annotations

import random

from sync.link_policy import LinkPolicy, Pacer, ProbeResult, SendOutcome, Turn, watch


def test_silent_link_is_probed_every_15_to_30_s_forever() -> None:
    pacer = Pacer(rng=random.Random(7).random)
    waits = [pacer.next_wait("silent") for _ in range(5000)]  # more than a day of silence
    assert min(waits) >= 15.0 and max(waits) < 30.0
    assert max(waits) - min(waits) > 10  # jittered, so laptops do not move in step
    assert LinkPolicy().probe_timeout <= 3.0


def test_busy_hub_backs_off_to_the_cap_and_honours_retry_after() -> None:
    pacer = Pacer(rng=lambda: 0.999)
    waits = [pacer.next_wait("busy") for _ in range(12)]
    assert waits == sorted(waits) and waits[-1] <= 300.0 and waits[-1] > 290
    assert pacer.next_wait("busy", retry_after=1200) == 1200  # the hub said when: never sooner
    assert pacer.next_wait("silent") < 31  # the link went away instead: back to probing, count reset
    assert pacer.busy_count == 0
    assert Pacer(rng=lambda: 0.0).next_wait("busy", retry_after=10**9) == 3600  # an absurd Retry-After is capped


def test_watch_sends_only_after_a_probe_answers() -> None:
    probes = iter([ProbeResult("silent"), ProbeResult("silent"), ProbeResult("busy", retry_after=40),
                   ProbeResult("up")])
    sends: list[int] = []
    turns: list[Turn] = []
    slept: list[float] = []
    left = [3]

    def send() -> SendOutcome:
        sends.append(1)
        left[0] = 0
        return SendOutcome("sent", sent=3)

    n = watch(waiting=lambda: left[0], probe=lambda: next(probes), send=send, report=turns.append,
              pacer=Pacer(rng=lambda: 0.5), sleep=slept.append, max_turns=5)
    assert n == 5 and sends == [1]
    assert [t.outcome for t in turns] == ["silent", "silent", "busy", "sent", "idle"]
    assert slept[:2] == [22.5, 22.5] and slept[2] == 40 and slept[3] == 60.0
