"""The hub key, online: `enrollpoint connect --hub` against real hub processes on 127.0.0.1. The pinned hub key
is replaced only by an enrolment whose answer binds the new key to the one-time code; an answer without a
binding (a hub before enrolment contract 2) may pin a first key but never replace a pinned one, and an answer
whose key was swapped on the way is refused. A small proxy in a thread plays the old hub / the man in the
middle by rewriting the real hub's /enrol answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from desktop import config, paths
from desktop.cli import main as ep
from desktop.settings_keys import KEY_HUB_DEVICE_ID, KEY_HUB_PUBLIC_KEY, KEY_HUB_URL
from desktop.storage.db import open_database
from province import cli as hub_cli
from sync import hubkey, signing
from tests.support.hub import hub_process

COMMUNE = "22736"
Rewrite = Callable[[dict], dict]


@contextmanager
def enrol_rewriting_proxy(target: str, rewrite: Rewrite) -> Iterator[str]:
    """An HTTP proxy to `target` that passes every request and rewrites the JSON of a 200 /api/v1/enrol."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def _any(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            r = httpx.request(self.command, target + self.path, content=body, headers=headers, timeout=20)
            out = r.content
            if self.path.startswith("/api/v1/enrol") and r.status_code == 200:
                out = json.dumps(rewrite(r.json())).encode()
            self.send_response(r.status_code)
            self.send_header("content-type", r.headers.get("content-type", "application/json"))
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def old_hub(answer: dict) -> dict:
    """What a hub before enrolment contract 2 answers."""
    return {k: v for k, v in answer.items() if k not in (hubkey.BINDING_FIELD, hubkey.CONTRACT_FIELD)}


def hub(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert hub_cli.main(["--db", url, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def connect(capsys: pytest.CaptureFixture[str], base: str, code: str, ok: bool = True) -> str:
    capsys.readouterr()
    rc = ep(["connect", "--hub", base, "--code", code, "--name", "Máy xã"])
    out = capsys.readouterr()
    assert rc == (0 if ok else 2), out.out + out.err
    assert "Traceback" not in out.err
    return out.out + out.err


def hub_fp(url: str) -> str:
    from province.db import open_hub
    from province.offline import hub_public_key

    db = open_hub(url)
    try:
        with db.session() as s:
            return hubkey.fingerprint(hub_public_key(s))
    finally:
        db.close()


def laptop_hub_state() -> tuple[str, str, str]:
    db = open_database(paths.db_path())
    try:
        with db.session() as s:
            return (config.get(s, KEY_HUB_PUBLIC_KEY), config.get(s, KEY_HUB_URL),
                    config.get(s, KEY_HUB_DEVICE_ID))
    finally:
        db.close()


def test_online_pinned_key_replaced_only_by_a_bound_enrolment(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    url_a, url_b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    for url in (url_a, url_b):
        hub(url, capsys, "init")
        hub(url, capsys, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    with hub_process(url_a, tmp_path / "a.log") as base_a, hub_process(url_b, tmp_path / "b.log") as base_b:
        # a first enrolment through a hub before contract 2: the key is pinned on TLS's word, as before
        issued_a = hub(url_a, capsys, "enrol-code", COMMUNE)
        fp_a = hub_fp(url_a)
        with enrol_rewriting_proxy(base_a, old_hub) as proxy:
            first = connect(capsys, proxy, issued_a["code"])
        pinned_a = laptop_hub_state()
        assert pinned_a[0] and pinned_a[2]

        # another hub (another key) answering like an old hub: refused, nothing changed
        issued_b = hub(url_b, capsys, "enrol-code", COMMUNE)
        fp_b = hub_fp(url_b)
        assert fp_b != fp_a
        with enrol_rewriting_proxy(base_b, old_hub) as proxy:
            said = connect(capsys, proxy, issued_b["code"], ok=False)
        assert fp_b in said and fp_a in said and "khóa khác" in said and "Không có gì được thay đổi" in said
        assert laptop_hub_state() == pinned_a

        # a key swapped on the way (the binding still names hub A's key): refused, nothing changed
        _stranger, stranger_pub = signing.generate_keypair()
        with enrol_rewriting_proxy(base_a, lambda d: {**d, "hub_public_key": stranger_pub}) as proxy:
            said = connect(capsys, proxy, hub(url_a, capsys, "enrol-code", COMMUNE)["code"], ok=False)
        assert "không khớp với mã kết nối" in said and hubkey.fingerprint(stranger_pub) in said
        assert laptop_hub_state() == pinned_a

        assert hubkey.fingerprint(pinned_a[0]) == fp_a and f"Dấu khóa máy chủ tỉnh: {fp_a}" in first
        assert issued_a.get("hub_key_fingerprint") == fp_a and issued_b.get("hub_key_fingerprint") == fp_b

        # the province reinstalled its hub (B) and gave a new code: accepted, both fingerprints shown
        said = connect(capsys, base_b, hub(url_b, capsys, "enrol-code", COMMUNE)["code"])
        assert f"khóa cũ {fp_a}, khóa mới {fp_b}" in said
        key, url, _device = laptop_hub_state()
        assert hubkey.fingerprint(key) == fp_b and url == base_b
        capsys.readouterr()
        assert ep(["sync-status"]) == 0
        assert f"Dấu khóa máy chủ tỉnh: {fp_b}" in capsys.readouterr().out
