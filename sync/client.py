"""The laptop's sender: drain an outbox to the province hub, exactly once whatever the link does.

Exactly once rests on three things: the hub deduplicates a batch id (a resend of the same content gets
the stored summary), reports carry absolute totals with revisions (the same revision again is "ignored"),
and the outbox marks an item sent only from the hub's summary. So this module may resend freely; it
only has to keep the batch id for a resend of the same content and never invent success.

Policy: every call has (connect, read) timeouts; POSTs are retried explicitly (urllib3 only reconnects
once, with no sleep) with exponential backoff and full jitter, capped, within a bounded run time (and a
number of attempts when the policy sets one); when the link goes silent after the hub has answered in this
run, the run probes the hub (`hello`, sync.link_policy) every 15–30 s and resends once it answers, so a hub
restart of a minute is ridden out; a run whose very first request finds nothing answering stops at once
(the watch loop probes between runs); 401/403 stop the run with a plain message; per-report conflicts are recorded
and the run goes on; 409 → new batch id; 413 → split the batch. `sleep`, `clock` and `rng` are
injectable for tests. Imports neither `desktop` nor `province`.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError
from urllib3.util.retry import Retry

from common import backoff
from sync import hubkey, signing
from sync.failures import (
    MSG_AUTH,
    MSG_BAD_ANSWER,
    MSG_CERTIFICATE,
    MSG_ENROL_CODE,
    MSG_FORBIDDEN,
    MSG_NOT_CONNECTED,
    MSG_NOT_THE_HUB,
    MSG_REENROL_COMMUNE,
    MSG_REENROL_PROOF,
    MSG_REENROL_UNKNOWN,
    MSG_REJECTED,
    MSG_SERVER,
    MSG_TIMEOUT,
    MSG_TOO_LARGE,
    MSG_UNEXPECTED,
    MSG_UNREACHABLE,
    AuthError,
    BatchIdConflict,
    CertificateError,
    EnrolRejected,
    Rejected,
    SyncError,
    TooLarge,
    Transient,
)
from sync.link_policy import LinkPolicy, ProbeResult
from sync.outbox_port import OutboxPort, OutgoingBatch, SyncResult
from sync.protocol import (
    ENROL_PROTOCOL,
    HEADER_DEVICE,
    HEADER_SIGNATURE,
    HELLO_SERVICE,
    MAX_PREDECESSOR_REPORTS,
    MAX_REPORTS_PER_BATCH,
    Batch,
    EnrolResponse,
    ImportSummary,
    Report,
    TargetItem,
    encode_batch,
    gzip_body,
)

API = "/api/v1"

def build_batch(batch_id: str, device_id: str, commune_code: str, reports: tuple[Report, ...] | list[Report]) -> Batch:
    """The one way a batch is built, so that a resend (or a bundle) of the same items is byte-identical:
    reports in (day, point, revision) order, created_at = the latest closed_at among them."""
    ordered = tuple(sorted(reports, key=lambda r: (r.day, r.point_code, r.revision)))
    created = max(r.closed_at for r in ordered)
    return Batch(batch_id, device_id, commune_code, created, ordered)


def signed_body(batch: Batch, private_key: str) -> tuple[bytes, str]:
    body = encode_batch(batch)
    return body, signing.sign(private_key, body)


# --- retry policy ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 0  # per batch per run; 0: bounded by max_run_seconds only
    base: float = 0.5  # seconds; delay n is uniform(0, min(cap, base * 2**(n-1)))  (full jitter)
    cap: float = 30.0
    max_run_seconds: float = 180.0  # a run never sleeps past this
    timeout: tuple[float, float] = (5.0, 30.0)  # (connect, read)
    link: LinkPolicy = LinkPolicy()  # probe cadence and timeout while the link is silent

    def delay(self, attempt: int, rng: Callable[[], float], retry_after: float | None = None) -> float:
        d = backoff.full_jitter(attempt, self.base, self.cap, rng)
        if retry_after is not None:
            d = max(d, min(self.cap, retry_after))
        return d


def _never_sent(exc: BaseException) -> bool:
    """True when the request cannot have reached the hub (refused / connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ConnectTimeoutError):  # NewConnectionError (refused) is a subclass
            return True
        if isinstance(e, MaxRetryError):
            stack.append(e.reason)
        if isinstance(e, BaseException):
            stack.extend(a for a in e.args if isinstance(a, BaseException))
            stack.extend([e.__cause__, e.__context__])
    return False


def _retry_after(resp: requests.Response) -> float | None:
    try:
        return float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _detail(resp: requests.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        return resp.text[:200]
    d = data.get("detail", data) if isinstance(data, dict) else data
    return str(d)[:300]


def _words_vi(resp: requests.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        return ""
    return str(data.get("words_vi") or "")[:400] if isinstance(data, dict) else ""


def _field(resp: requests.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        return ""
    return str(data.get("field") or "")[:40] if isinstance(data, dict) else ""


# Refusals whose words come from the hub: a laptop replaced by its successor, a laptop held for the
# province admin. Both stop the run; the reports stay on the laptop.
_WORDED = {(401, "replaced"), (403, "held")}


def _enrol_refusal(resp: requests.Response) -> EnrolRejected:
    """The hub's refusal of an enrolment, with the field it names (re-enrolment refusals have their own
    words: the code was not spent)."""
    try:
        data = resp.json()
        field = str(data.get("field") or "")[:40] if isinstance(data, dict) else ""
    except ValueError:
        field = ""
    code = resp.status_code
    if field == "commune" and code == 403:
        return EnrolRejected(MSG_REENROL_COMMUNE, code, field)
    if field == "previous_proof" and code == 403:
        return EnrolRejected(MSG_REENROL_PROOF, code, field)
    if field == "previous_device_id" and code == 404:
        return EnrolRejected(MSG_REENROL_UNKNOWN, code, field)
    if field == "replaces":  # a replacement code refused: the hub's own words, the code unspent
        return EnrolRejected(_detail(resp), code, field)
    if field == "revoked":  # a revoked laptop with an ordinary code: the hub's Vietnamese words, code unspent
        return EnrolRejected(_words_vi(resp) or _detail(resp), code, field)
    return EnrolRejected(f"{MSG_ENROL_CODE} ({_detail(resp)})", code, field)


# --- client -----------------------------------------------------------------------------------------------


def insecure_hub_url(url: str) -> str | None:
    """Why a hub address may not be used (Vietnamese), or None.

    Reports and tokens go to the hub and signed summaries come back: over plain http anyone on the path
    could read the token or fake an "imported" answer. Only https is accepted, except for this computer
    itself (127.0.0.0/8, ::1, localhost), where tests and a hub on the same machine run.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            if ipaddress.ip_address(host).is_loopback:
                return None
        except ValueError:
            if host == "localhost":
                return None
        return "Máy chủ tỉnh phải dùng https:// (chỉ máy này, 127.0.0.1/localhost, được dùng http://)"
    return "Địa chỉ máy chủ tỉnh phải bắt đầu bằng https:// và có tên máy"


class HubClient:
    """One hub, one device identity. Thread: use from one worker thread at a time."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        device_id: str = "",
        commune_code: str = "",
        private_key: str = "",
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        ca_file: str = "",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token, self.device_id, self.commune_code, self.private_key = token, device_id, commune_code, private_key
        self.policy = policy or RetryPolicy()
        self.sleep, self.clock, self.rng = sleep, clock, rng
        self.http = session or self._session()
        # The province's own CA (pinned per hub by the laptop): trusted for this hub instead of the system's
        # store. Empty: the system's trusted authorities (requests' default).
        self.verify: bool | str = ca_file or True
        self.hub_public_key = ""  # from the last targets answer (hubs with a signing key send it)
        self._started, self._slept, self._reached = 0.0, 0.0, False  # the current drain's budget and contact

    @staticmethod
    def _session() -> requests.Session:
        s = requests.Session()
        # One immediate reconnect at the socket level; everything else is the explicit loop below.
        retry = Retry(total=1, connect=1, read=0, status=0, other=0, redirect=0, backoff_factor=0,
                      raise_on_status=False)
        s.mount("http://", HTTPAdapter(max_retries=retry))
        s.mount("https://", HTTPAdapter(max_retries=retry))
        s.headers["User-Agent"] = "EnrollPoint-laptop/1"
        return s

    def close(self) -> None:
        self.http.close()

    # one request ----------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        try:
            # verify per request: a session's verify loses to REQUESTS_CA_BUNDLE in requests, a request's does not
            return self.http.request(method, self.base_url + path, timeout=self.policy.timeout,
                                     verify=self.verify, **kw)
        except requests.exceptions.SSLError as exc:  # before ConnectionError, its base: say it is the certificate
            raise CertificateError() from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise Transient(MSG_UNREACHABLE, never_sent=True) from exc
        except requests.exceptions.Timeout as exc:  # read timeout: the hub may have committed
            raise Transient(MSG_TIMEOUT) from exc
        except requests.exceptions.ConnectionError as exc:
            raise Transient(MSG_UNREACHABLE, never_sent=_never_sent(exc)) from exc
        except requests.exceptions.RequestException as exc:
            raise Transient(MSG_UNREACHABLE) from exc

    def _raise_for(self, resp: requests.Response) -> None:
        code = resp.status_code
        if code < 400:
            return
        if (code, _field(resp)) in _WORDED:
            raise AuthError(_detail(resp), code)
        if code == 401:
            raise AuthError(MSG_AUTH, code)
        if code == 403:
            raise AuthError(MSG_FORBIDDEN, code)
        if code == 409:
            raise BatchIdConflict(MSG_REJECTED.format(code=code, detail=_detail(resp)), code)
        if code == 413:
            raise TooLarge(MSG_TOO_LARGE, code)
        if code in (408, 425, 429) or code >= 500:
            raise Transient(MSG_SERVER.format(code=code), code, retry_after=_retry_after(resp))
        raise Rejected(MSG_REJECTED.format(code=code, detail=_detail(resp)), code)

    def _auth_headers(self) -> dict[str, str]:
        if not (self.token and self.device_id):
            raise AuthError(MSG_NOT_CONNECTED)
        return {"Authorization": f"Bearer {self.token}", HEADER_DEVICE: self.device_id}

    def post_batch(self, batch: Batch) -> ImportSummary:
        """One POST of one signed batch; the hub's summary or a typed SyncError."""
        headers = self._auth_headers()
        if not self.private_key:
            raise AuthError(MSG_NOT_CONNECTED)
        body, signature = signed_body(batch, self.private_key)
        headers.update({HEADER_SIGNATURE: signature, "Content-Encoding": "gzip", "Content-Type": "application/json"})
        resp = self._request("POST", f"{API}/batches", data=gzip_body(body), headers=headers)
        self._raise_for(resp)
        try:
            return ImportSummary.from_dict(resp.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise Transient(MSG_BAD_ANSWER, resp.status_code) from exc

    def hello(self) -> ProbeResult:
        """One small request that proves the hub itself answered: GET /hello (JSON naming the service, its
        protocol and key fingerprint; no database work on the hub). A hub older than /hello answers 404 there:
        then /health's JSON (status "ok", protocol) is the proof. An HTML 200 (a captive portal) is "silent"."""
        t = self.policy.link.probe_timeout
        get = {"timeout": (t, t), "allow_redirects": False, "headers": {"User-Agent": "EnrollPoint-laptop/1"},
               "verify": self.verify}
        try:  # requests.get: no reconnect adapter, so one probe never waits longer than the timeout
            resp = requests.get(self.base_url + f"{API}/hello", **get)  # type: ignore[arg-type]
            if resp.status_code == 404:
                resp = requests.get(self.base_url + f"{API}/health", **get)  # type: ignore[arg-type]
        except requests.exceptions.SSLError:
            return ProbeResult("silent", MSG_CERTIFICATE)
        except requests.exceptions.RequestException:
            return ProbeResult("silent", MSG_UNREACHABLE)
        if resp.status_code in (408, 425, 429) or resp.status_code >= 500:
            return ProbeResult("busy", MSG_SERVER.format(code=resp.status_code), _retry_after(resp))
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code == 200 and isinstance(data, dict) and isinstance(data.get("protocol"), int) and (
                data.get("service") == HELLO_SERVICE or data.get("status") == "ok"):
            fp = str(data.get("key_fingerprint") or "")[:40]
            if self.hub_public_key and fp and fp != hubkey.fingerprint(self.hub_public_key):
                return ProbeResult("silent", MSG_NOT_THE_HUB)
            return ProbeResult("up", protocol=int(data["protocol"]), key_fingerprint=fp)
        return ProbeResult("silent", MSG_NOT_THE_HUB)

    def health(self) -> bool:
        try:
            return self._request("GET", f"{API}/health").status_code == 200
        except SyncError:
            return False

    def enrol(self, code: str, device_name: str, public_key: str, *, previous_device_id: str = "",
              previous_proof: str = "", restored_from: str = "") -> EnrolResponse:
        """Spend a one-time code. With `previous_device_id` and `previous_proof` (signing.reenrol_proof) the
        hub keeps the device's id instead of making a new device; hubs older than that ignore both fields.
        `restored_from` (enrolment protocol 2): the device whose backup this database was restored from."""
        body: dict[str, Any] = {"code": code, "device_name": device_name, "public_key": public_key,
                                "enrol_protocol": ENROL_PROTOCOL}
        if previous_device_id:
            body.update(previous_device_id=previous_device_id, previous_proof=previous_proof)
        if restored_from:
            body["restored_from"] = restored_from
        resp = self._request("POST", f"{API}/enrol", json=body)
        if resp.status_code in (400, 401, 403, 404, 409, 410, 422):
            raise _enrol_refusal(resp)
        self._raise_for(resp)
        try:
            d = resp.json()
            return EnrolResponse(
                device_id=str(d["device_id"]), token=str(d["token"]), commune_code=str(d["commune_code"]),
                commune_name=str(d.get("commune_name", "")), province_code=str(d.get("province_code", "")),
                token_expires_at=str(d.get("token_expires_at") or ""),
                hub_public_key=str(d.get("hub_public_key") or ""),
                hub_key_binding=str(d.get("hub_key_binding") or "")[:100],
                successor_of=str(d.get("successor_of") or ""), replaced_name=str(d.get("replaced_name") or ""),
                predecessor_reports=[r for r in (d.get("predecessor_reports") or [])[:MAX_PREDECESSOR_REPORTS]
                                     if isinstance(r, dict)],
                held=str(d.get("held") or ""),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise Transient(MSG_BAD_ANSWER, resp.status_code) from exc

    def fetch_targets(self) -> list[TargetItem]:
        """GET the commune's targets (a couple of bounded attempts; the caller stores them)."""
        last: Transient | None = None
        for attempt in range(1, 3):
            try:
                resp = self._request("GET", f"{API}/targets", headers=self._auth_headers())
                self._raise_for(resp)
                data = resp.json()
                break
            except Transient as exc:
                last = exc
                if attempt < 2:
                    self.sleep(self.policy.delay(attempt, self.rng, exc.retry_after))
            except ValueError as exc:
                raise Transient(MSG_BAD_ANSWER) from exc
        else:
            assert last is not None
            raise last
        items = data.get("targets", []) if isinstance(data, dict) else data
        if isinstance(data, dict) and isinstance(data.get("hub_public_key"), str):
            self.hub_public_key = data["hub_public_key"][:100]  # the caller pins it if it has none yet
        out = []
        for t in items or []:
            try:
                out.append(TargetItem(str(t["indicator"]), int(t["value"]), t.get("deadline") or None))
            except (KeyError, TypeError, ValueError):
                continue
        return out

    # the drain --------------------------------------------------------------------------------------------

    def drain(self, outbox: OutboxPort) -> SyncResult:
        """Send every pending batch; stop on auth errors or when the hub stays unreachable."""
        result = SyncResult()
        self._started, self._slept, self._reached = self.clock(), 0.0, False
        deadline = self._started + self.policy.max_run_seconds
        queue: deque[OutgoingBatch] = deque()
        try:
            queue.extend(outbox.take_batches(MAX_REPORTS_PER_BATCH))
            while queue:
                batch = queue.popleft()
                if not self._send_one(batch, outbox, queue, result, deadline):
                    break
        except Exception:
            result.error = result.error or MSG_UNEXPECTED  # never recorded as a success
            raise
        finally:
            for untried in queue:  # the hub never saw these: let their items merge into later batches
                if not untried.kept:
                    outbox.release(untried)
            outbox.finished(result)
        return result

    def _used(self) -> float:
        """Seconds of this run's budget spent: real time, or the sleeps asked for when sleep is simulated."""
        return max(self.clock() - self._started, self._slept)

    def _sleep(self, seconds: float) -> None:
        self._slept += seconds
        self.sleep(seconds)

    def _await_hub(self) -> bool:
        """The link went silent mid-run: probe every 15–30 s (jittered) until the hub answers or the run's
        budget is spent. True = the hub answered; resend now."""
        link = self.policy.link
        while True:
            wait = link.probe_wait(self.rng)
            if self._used() + wait + link.probe_timeout > self.policy.max_run_seconds:
                return False
            self._sleep(wait)
            if self.hello().outcome == "up":
                return True

    def _send_one(self, batch: OutgoingBatch, outbox: OutboxPort, queue: deque[OutgoingBatch],
                  result: SyncResult, deadline: float) -> bool:
        """Deliver one batch with retries. False = stop the run."""
        attempt, renewed, maybe_delivered = 0, False, batch.kept
        while True:
            attempt += 1
            result.requests += 1
            try:
                summary = self.post_batch(build_batch(batch.batch_id, self.device_id, self.commune_code, batch.reports))
            except AuthError as exc:
                outbox.failed(batch, exc.message)
                result.error, result.auth_failed = exc.message, True
                return False
            except BatchIdConflict as exc:
                if renewed:
                    outbox.failed(batch, exc.message)
                    result.error = exc.message
                    return True
                batch, renewed = outbox.renew(batch)[0], True
                maybe_delivered = False
                continue
            except TooLarge as exc:
                if len(batch.item_ids) > 1:
                    queue.extendleft(reversed(outbox.renew(batch, 2)))
                else:
                    outbox.failed(batch, exc.message)
                    result.error = exc.message
                return True
            except Rejected as exc:
                outbox.failed(batch, exc.message)
                result.error = exc.message
                return True
            except Transient as exc:
                maybe_delivered = maybe_delivered or not exc.never_sent
                outbox.failed(batch, exc.message)
                silent = exc.never_sent  # refused, connect timeout, DNS: nothing answered
                if not silent:  # an answer, a read timeout or a cut: something of the hub's was there
                    self._reached = True
                bounded = self.policy.max_attempts and attempt >= self.policy.max_attempts
                if silent and not bounded and self._reached and self._await_hub():
                    continue  # the link came back within the run: resend at once (same batch id)
                delay = 0.0 if silent else self.policy.delay(attempt, self.rng, exc.retry_after)
                if silent or bounded or self._used() + delay > self.policy.max_run_seconds:
                    if not maybe_delivered:
                        outbox.release(batch)
                    result.error = exc.message
                    result.link, result.retry_after = ("silent" if silent else "busy"), exc.retry_after
                    return False
                self._sleep(delay)
                continue
            self._reached = True
            confirmed = outbox.confirm(batch, summary)
            result.sent += confirmed.sent
            result.conflicts.extend(confirmed.conflicts)
            return True
