"""The province hub's HTTP link to the national hub: enrol once, then post the pending batch with a few
bounded retries. A link that stays down is not an error of the data: the batch stays pending and the next
`national send` (a timer) posts the same bytes again."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from province.errors import HubRefusal

TIMEOUT = (5.0, 30.0)  # connect, read
ATTEMPTS = 3
BACKOFF = (0.5, 2.0)  # seconds between attempts (bounded: the whole send waits at most a few seconds)
MAX_ANSWER = 64 * 1024


class LinkDown(HubRefusal):
    """The national hub did not answer; nothing was lost (the batch stays pending)."""

    status = 503
    title = "Không kết nối được máy chủ toàn quốc"


class NationalRefused(HubRefusal):
    """The national hub answered with a refusal; its words are passed on."""


def _post(url: str, body: dict[str, Any] | bytes, sleep: Callable[[float], None]) -> requests.Response:
    """`body` as JSON; bytes go as they are (a roll-up batch in its canonical form, which the national hub
    verifies without re-encoding it)."""
    last = ""
    kw: dict[str, Any] = {"json": body} if isinstance(body, dict) else {
        "data": body, "headers": {"Content-Type": "application/json"}}
    for attempt in range(ATTEMPTS):
        try:
            answer = requests.post(url, timeout=TIMEOUT, **kw)
            if answer.status_code < 500 and answer.status_code != 429:
                return answer
            last = f"HTTP {answer.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        if attempt < len(BACKOFF):
            sleep(BACKOFF[attempt])
    raise LinkDown(f"the national hub did not answer ({last}) after {ATTEMPTS} tries; the batch is kept and "
                   "goes with the next `national send`",
                   vi=f"Không kết nối được máy chủ toàn quốc ({last}) sau {ATTEMPTS} lần thử; lô số liệu được giữ "
                      "lại và sẽ gửi ở lần `national send` sau.")


def _json(answer: requests.Response) -> Any:
    if len(answer.content) > MAX_ANSWER:
        raise NationalRefused("the national hub's answer is too large", vi="Máy chủ toàn quốc trả lời quá dài.")
    try:
        return answer.json()
    except ValueError:
        raise NationalRefused(f"the national hub answered HTTP {answer.status_code} without JSON",
                              vi=f"Máy chủ toàn quốc trả lời HTTP {answer.status_code} không đọc được.") from None


def call(base: str, path: str, body: dict[str, Any] | bytes, sleep: Callable[[float], None] = time.sleep) -> Any:
    """POST and return the JSON answer of a 200; a refusal raises NationalRefused with the hub's words."""
    answer = _post(base.rstrip("/") + path, body, sleep)
    data = _json(answer)
    if answer.status_code != 200:
        detail = data.get("detail") if isinstance(data, dict) else None
        vi = data.get("words_vi") if isinstance(data, dict) else None
        raise NationalRefused(f"the national hub refused (HTTP {answer.status_code}): {detail}",
                              vi=f"Máy chủ toàn quốc không nhận (HTTP {answer.status_code}): {vi or detail}",
                              status=answer.status_code)
    return data
