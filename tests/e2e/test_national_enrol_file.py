"""A province hub enrols at the national hub by file (no link between them): request file, answer file with
the national key bound to the one-time code; the province hub's key is pinned at the national hub and the
national key at the province hub; the code itself is never on the file (an HMAC proof of it is). A tampered answer, a re-used request and an online send without an
address are refused with words (exit 2), nothing stored. Real CLI subprocesses on the hubs' SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.support.hub_process import HubProcess
from tests.support.national import NATIONAL, run_cli


def _code(national: HubProcess, province: str) -> str:
    out = run_cli(national, "--json", "national", "enrol-code", province)
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout)["code"])


def _pinned(national: HubProcess) -> dict[str, str]:
    with sqlite3.connect(national.db_file) as c:
        return dict(c.execute("SELECT province_code, public_key FROM national_provinces"))


def test_enrol_by_file(tmp_path: Path) -> None:
    for sub in ("n", "a"):
        (tmp_path / sub).mkdir()
    national = HubProcess(tmp_path / "n", commune=None, env=NATIONAL)
    assert run_cli(national, "init").returncode == 0
    hub = HubProcess(tmp_path / "a", commune="22366", province="56")
    assert run_cli(hub, "init").returncode == 0
    code = _code(national, "56")
    request, answer = tmp_path / "request.json", tmp_path / "answer.json"
    out = run_cli(hub, "national", "connect", "--request", str(request), "--code", code, "--province", "56")
    assert out.returncode == 0 and request.exists(), out.stderr
    text = request.read_text(encoding="utf-8")
    assert code not in text and code.replace("-", "") not in text  # only a proof of it travels

    good = run_cli(national, "--json", "national", "enrol-file", str(request), "--out", str(answer))
    assert good.returncode == 0, good.stderr
    own_key = json.loads(request.read_text(encoding="utf-8"))["requests"][0]["hub_public_key"]
    assert _pinned(national) == {"56": own_key}
    again = run_cli(national, "national", "enrol-file", str(request), "--out", str(tmp_path / "again.json"))
    assert again.returncode == 2 and "Mã kết nối không đúng, đã dùng" in again.stderr and "Traceback" not in again.stderr

    doc = json.loads(answer.read_text(encoding="utf-8"))
    forged = dict(doc["answers"][0], national_public_key=json.loads(request.read_text(encoding="utf-8"))
                  ["requests"][0]["hub_public_key"])  # someone in between puts another key in the answer
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps({**doc, "answers": [forged]}), encoding="utf-8")
    refused = run_cli(hub, "national", "connect", "--answer", str(bad), "--code", code, "--province", "56")
    assert refused.returncode == 2 and "không gắn với mã kết nối" in refused.stderr
    assert json.loads(run_cli(hub, "--json", "national", "status").stdout)["province"] == ""

    ok = run_cli(hub, "--json", "national", "connect", "--answer", str(answer), "--code", code, "--province", "56")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["fingerprint"] == json.loads(good.stdout)["fingerprint"]
    assert json.loads(run_cli(hub, "--json", "national", "status").stdout)["province"] == "56"
    online = run_cli(hub, "national", "send")
    assert online.returncode == 2 and "national send --out" in online.stderr and "Traceback" not in online.stderr
    assert run_cli(hub, "national", "send", "--out", str(tmp_path / "batches.json")).returncode == 0
