"""The hub CLI speaks one language per run (Vietnamese unless --lang en / ENROLLPOINT_HUB_LANG=en), refuses in
one plain line with exit 2, survives a reader that leaves the pipe, and reads its environment into one
settings object."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from province.cli import main
from province.db import open_hub
from province.settings import HubSettings

REPO = Path(__file__).resolve().parents[2]
INTERNALS = ("error:", "(400)", "(403)", "(422)", "refused (", "Traceback", "gzip", "Error -3")


def _cli(db: str, *args: str, env: dict[str, str] | None = None, shell_tail: str = "") -> subprocess.CompletedProcess[str]:
    """A real `python -m province.cli --db DB …`, optionally piped into `shell_tail` (bash, pipefail)."""
    cmd = [sys.executable, "-m", "province.cli", "--db", db, *args]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    if shell_tail:
        line = "set -o pipefail; " + " ".join(f"'{c}'" for c in cmd) + " | " + shell_tail
        return subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60, env=full_env)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=full_env)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("hubcli") / "hub.db"
    url = f"sqlite:///{path}"
    assert _cli(url, "init").returncode == 0
    assert _cli(url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56").returncode == 0
    return url


@pytest.mark.parametrize(("args", "vi_words"), [
    (("enrol-code", "nowhere"), "Không có xã 'nowhere'"),
    (("enrol-code", "22736", "--days", "0"), "Số ngày hiệu lực (--days) phải từ 1 đến 90."),
    (("day-code", "ABCD-EFGH"), "Mã ngày"),
    (("device", "revoke", "nope"), "Không có máy 'nope'."),
    (("import-bundle", "__bundle__"), "Tệp không phải tệp dữ liệu EnrollPoint"),
    (("import-bundle", "/nonexistent/b.epb"), "Không đọc được tệp /nonexistent/b.epb"),
    (("target", "set", "22736", "bogus", "5"), "Không có chỉ tiêu 'bogus'"),
])
def test_refusals_are_one_vietnamese_line_without_internals_exit_2(db: str, tmp_path: Path, args: tuple[str, ...],
                                                                   vi_words: str) -> None:
    bundle = tmp_path / "b.epb"
    bundle.write_bytes(b"\x1f\x8b not really gzip")
    out = _cli(db, *(str(bundle) if a == "__bundle__" else a for a in args))
    assert out.returncode == 2, out
    assert out.stdout == "" and out.stderr.count("\n") == 1 and vi_words in out.stderr, out.stderr
    assert not any(bad in out.stderr for bad in INTERNALS), out.stderr


def test_english_by_flag_or_setting_and_vietnamese_by_default(db: str) -> None:
    vi = _cli(db, "enrol-code", "nowhere")
    by_flag = _cli(db, "enrol-code", "nowhere", "--lang", "en")
    by_env = _cli(db, "enrol-code", "nowhere", env={"ENROLLPOINT_HUB_LANG": "en"})
    assert vi.stderr.startswith("Không có xã")
    assert by_flag.stderr == by_env.stderr and by_env.stderr.startswith("unknown commune 'nowhere'")
    assert {vi.returncode, by_flag.returncode, by_env.returncode} == {2}
    # success lines follow the same language
    assert _cli(db, "target", "list").stdout.strip() == "Chưa có chỉ tiêu nào."
    assert _cli(db, "target", "list", "--lang", "en").stdout.strip() == "No targets."
    usage = _cli(db, "--lang", "en", "frobnicate")
    assert usage.returncode == 2 and usage.stderr.startswith("Wrong command:") and usage.stderr.count("\n") == 1
    assert _cli(db, "frobnicate").stderr.startswith("Lệnh không đúng:")


def test_a_reader_that_leaves_the_pipe_gets_no_traceback(db: str) -> None:
    head = _cli(db, "enrol-code", "22736", shell_tail="head -1")
    assert head.returncode == 0 and head.stderr == "", head.stderr
    assert len(head.stdout.splitlines()) == 1 and head.stdout.count("-") == 2  # XXXX-XXXX-XXXX
    # `true` never reads: the write meets a closed pipe every time
    gone = _cli(db, "commune", "list", shell_tail="true")
    assert gone.returncode == 0 and gone.stderr == "", gone.stderr


def test_an_unusable_database_is_one_line_exit_2(tmp_path: Path) -> None:
    out = _cli("mysql://x/y", "init")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "sqlite" in out.stderr
    (tmp_path / "not.db").write_bytes(b"this is not a database" * 100)
    out = _cli(str(tmp_path / "not.db"), "commune", "list")
    assert out.returncode == 2 and out.stderr.startswith("Không mở được cơ sở dữ liệu"), out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_settings_come_from_the_environment_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ENROLLPOINT_HUB_SQLITE_SYNC", "normal")
    monkeypatch.setenv("ENROLLPOINT_HUB_LANG", "en-GB")
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", "một mật khẩu dài")
    monkeypatch.delenv("ENROLLPOINT_HUB_DB", raising=False)
    s = HubSettings()
    assert (s.lang, s.sqlite_sync, s.data_dir) == ("en", "NORMAL", tmp_path / "data")
    assert s.password is not None and s.password.get_secret_value() == "một mật khẩu dài"
    assert "một mật khẩu" not in repr(s)  # a secret never shows in a log line of the settings
    assert s.database_url() == f"sqlite:///{tmp_path / 'data' / 'hub.db'}"
    # the database honours the object it is given, not the environment of the moment
    monkeypatch.setenv("ENROLLPOINT_HUB_SQLITE_SYNC", "FULL")
    hub = open_hub(settings=s)
    try:
        with hub.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        hub.close()
    assert (tmp_path / "data" / "hub.db").exists()
    assert HubSettings().sqlite_sync == "FULL" and HubSettings(_env_file=None).lang == "en"
    with sqlite3.connect(tmp_path / "data" / "hub.db") as raw:
        assert raw.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_the_cli_reads_the_environment_once_per_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_DB", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("ENROLLPOINT_HUB_LANG", "en")
    assert main(["init"]) == 0
    assert capsys.readouterr().out.startswith("Hub database ready (sqlite)")
    assert (tmp_path / "env.db").exists()


def test_no_hub_module_but_settings_reads_the_environment() -> None:
    readers = []
    for path in (REPO / "province").rglob("*.py"):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                readers.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert readers == []


def test_a_database_held_by_another_writer_is_one_line_exit_2(tmp_path: Path) -> None:
    """Another process holds the write lock past the busy timeout (15 s): words naming it, nothing stored."""
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert _cli(url, "init").returncode == 0
    holder = sqlite3.connect(tmp_path / "hub.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        out = _cli(url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith("Cơ sở dữ liệu của máy chủ tỉnh đang bận") and "database is locked" in out.stderr
    assert _cli(url, "commune", "list").stdout.strip() == "Chưa có xã nào."
