"""The cloned-laptop story of docs/peer-sync.md ("Cloned laptops") on real processes: laptops P, Q and C
driven through the `enrollpoint` CLI in subprocesses, each in its own data directory and keyring, LAN syncs
with a real `peer serve` on 127.0.0.1 and real USB files.

P and Q share a group. C is P set up again from P's backup, in one of three ways:
- `restore`: the app's restore gives the database a new peer id: no clone, nothing to cure;
- `copy`: by hand, the backup file copied into the data folder and unlocked with the recovery key
  (`recovery-key --unlock`): one device id on two laptops, but P's signing key stayed in P's keyring, so C
  cannot sign under P's id and is told so before anything leaves it (docs/peer-sync.md, "lost key"): the
  supervisor's `peer reidentify` on C, and no clone ever travels;
- `image`: the whole machine copied, keyring included (a disk image): C signs as P, a true clone.
C captures citizen 2, P citizen 1, C's USB file is imported on Q. Then Q meets P (LAN, or P's USB file):
never "gửi 0, nhận 0" with exit 0 while P's capture is withheld. The cure the words tell, and at the end both
captures are on every laptop, once.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from desktop.paths import DB_FILENAME
from tests.support.cli_laptops import CliLaptop, id_numbers

pytestmark = pytest.mark.slow
ONE, TWO = id_numbers(2, serial=4101)


def _capture(lap: CliLaptop, number: str) -> None:
    lap.ok("event", number, "card_captured", "--point", "TRUSO", "--at", f"{dt.date.today().isoformat()}T09:00")


def _group(tmp_path: Path) -> tuple[CliLaptop, CliLaptop, str]:
    p, q = CliLaptop(tmp_path, "may-P"), CliLaptop(tmp_path, "may-Q")
    for lap in (p, q):
        lap.init()
    code = str(p.js("peer", "group", "create", "--name", "P")["code"])  # type: ignore[index]
    q.ok("peer", "group", "join", code, "--name", "Q")
    p.import_people([ONE, TWO])
    q.ok("peer", "import", str(p.export(tmp_path / "p-first.epp", "--all")))
    assert p.recovery_key, "the first open shows the recovery key once"
    return p, q, code


def _c_from_backup(tmp_path: Path, p: CliLaptop, code: str, how: str) -> CliLaptop:
    backup = p.js("backup", "--to", str(tmp_path / "usb"))["backup"]  # type: ignore[index]
    c = CliLaptop(tmp_path, "may-C")
    key = {"ENROLLPOINT_RECOVERY_KEY": p.recovery_key}
    if how == "restore":
        c.ok("restore", str(backup), "--with-recovery-key", env=key)
    else:
        if how == "image":  # the keyring came along with the disk: P's signing key is on C too
            shutil.copytree(p.root / "xdg-data", c.root / "xdg-data")  # by hand: the backup file put in place of the database, its key brought back with the recovery key
        c.data.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup, c.data / DB_FILENAME)
        c.ok("recovery-key", "--unlock", env=key)
    c.ok("peer", "group", "join", code, "--name", "C")  # the group secret is in the keyring, not the backup
    return c


def _meet(tmp_path: Path, via: str, server: CliLaptop, client: CliLaptop, name: str):  # type: ignore[no-untyped-def]
    """`client peer sync --with server` over the LAN, or server's USB file imported on client."""
    if via == "lan":
        with server.serving() as address:
            return client.run("peer", "sync", "--with", address)
    return client.run("peer", "import", str(server.export(tmp_path / f"{name}.epp")))


MONKEY = {"ENROLLPOINT_PIN": "2468", "ENROLLPOINT_SUPERVISOR_PIN": "2468"}


def _reidentify(lap: CliLaptop) -> None:
    lap.ok("operator", "add", "Nguyễn Văn Trưởng", "--role", "supervisor", env=MONKEY)
    lap.ok("peer", "reidentify", "--by", "Nguyễn Văn Trưởng", env=MONKEY)


@pytest.mark.parametrize(("how", "via"), [("image", "lan"), ("image", "usb"), ("copy", "lan"), ("restore", "lan")])
def test_the_clone_story_on_real_processes(tmp_path: Path, how: str, via: str) -> None:
    p, q, code = _group(tmp_path)
    c = _c_from_backup(tmp_path, p, code, how)
    _capture(c, TWO)
    _capture(p, ONE)
    if how == "copy":  # P's signing key is not on C: refused before anything leaves, with the cure
        refused = c.run("peer", "export", str(tmp_path / "c-refused.epp"))
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, (refused.stdout, refused.stderr)
        assert "enrollpoint peer reidentify" in refused.stderr and not (tmp_path / "c-refused.epp").exists()
        _reidentify(c)
    q.ok("peer", "import", str(c.export(tmp_path / "c-q.epp")))

    out = _meet(tmp_path, via, p, q, "p-q")
    assert "gửi 0, nhận 0" not in out.stdout and "Đã nhập 0 thay đổi" not in out.stdout
    if how in ("restore", "copy"):  # C has its own peer id (and key): nothing to cure
        assert out.returncode == 0, out.stderr
    else:  # one line of words, the clone named with its cure, exit 2, no traceback
        assert out.returncode == 2 and "Traceback" not in out.stderr, (out.stdout, out.stderr)
        assert "mã máy" in out.stderr and "enrollpoint peer reidentify" in out.stderr
        me = str(p.js("peer", "status")["device_id"])[:8].upper()  # type: ignore[index]
        told = _meet(tmp_path, via, q, p, "q-p")  # P meets Q: told it is one of the two (by its words or its id)
        assert told.returncode == 2 and "reidentify" in told.stderr, (told.stdout, told.stderr)
        assert "cùng mã máy với máy này" in told.stderr or me in told.stderr
        _reidentify(p)  # on ONE of the two, as told
        for other in (q, c):  # "… rồi đồng bộ lại"
            again = _meet(tmp_path, via, other, p, f"{other.root.name}-p")
            assert again.returncode == 0, (again.stdout, again.stderr)
    for _round in range(2):  # the officers sync as usual: nothing refused any more
        for server, client in ((p, q), (c, q), (q, p), (q, c), (p, c), (c, p)):
            done = _meet(tmp_path, via, server, client, f"{server.root.name}-{client.root.name}")
            assert done.returncode == 0, (server.root.name, client.root.name, done.stdout, done.stderr)
    for lap in (q, p, c):  # citizen 1 (P's capture) and citizen 2 (C's) on every laptop, each once
        assert (lap.captured(ONE), lap.captured(TWO)) == (1, 1), lap.root.name
