"""The province's own certificate authority, pinned per hub: a province that runs its hub with a certificate
of its own CA (not one the operating system trusts) gives laptops the CA's certificate file, and
`enrollpoint connect --ca-file FILE` (or «Chứng chỉ của tỉnh» in the app) pins it.

The CA certificate is public, not a secret: its PEM sits in the settings table with the hub address it is
for (empty: the hub this laptop will be given, e.g. by a targets file after an enrolment by file). Every
request to that hub verifies TLS against it (requests' `verify=` with a file path): the PEM is written to
the data folder under a name made of its hash, so a copy is never half-written for a reader and survives
restarts with the database. A certificate problem is named as such (`sync.failures.CertificateError`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop import config, paths
from desktop.errors import ValidationError
from desktop.settings_keys import KEY_HUB_CA_FOR, KEY_HUB_CA_PEM, KEY_HUB_URL
from desktop.storage.db import Database

MAX_CA_BYTES = 256 * 1024  # a CA bundle is a few KiB; anything bigger is not one


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def read_ca_file(path: str | os.PathLike[str]) -> str:
    """The file's certificates as PEM text; refused with words when it is missing, too big or holds no
    readable certificate (nothing is stored then)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_CA_BYTES:
            raise ValidationError("ca_file", str(p), f"Tệp chứng chỉ {p} quá lớn (tối đa 256 KiB): không phải "
                                  "tệp chứng chỉ của tỉnh.",
                                  en=f"The certificate file {p} is too big (at most 256 KiB): not the province's "
                                     "certificate file.")
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationError("ca_file", str(p), f"Không đọc được tệp chứng chỉ {p}: {exc.strerror or exc}",
                              en=f"The certificate file {p} cannot be read: {exc.strerror or exc}") from None
    certs = _certificates(data)
    if not certs:
        raise ValidationError("ca_file", str(p), f"Tệp {p} không chứa chứng chỉ nào (cần tệp .pem/.crt dạng "
                              "PEM do công an tỉnh cấp).",
                              en=f"The file {p} holds no certificate (a PEM .pem/.crt file from the province "
                                 "police is needed).")
    return _pem(certs)


def _certificates(data: bytes) -> list[Any]:
    from cryptography import x509

    try:
        return list(x509.load_pem_x509_certificates(data))
    except ValueError:
        return []


def _pem(certs: list[Any]) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certs)


def pin_carried(db: Database, payload: dict[str, Any]) -> str:
    """The CA a signed enrolment response carries (`tls_ca_pem`, province/province_ca.py), pinned for the hub
    this laptop has or will be given; "" when it carries none or nothing readable (then nothing changes)."""
    text = payload.get("tls_ca_pem")
    if not isinstance(text, str) or not text or len(text) > MAX_CA_BYTES:
        return ""
    certs = _certificates(text.encode("ascii", errors="replace"))
    if not certs:
        return ""
    pem = _pem(certs)
    with db.session() as s:
        hub_url = config.get(s, KEY_HUB_URL)
    pin(db, pem, hub_url)
    return pem


def pin(db: Database, pem: str, hub_url: str) -> None:
    """Trust `pem` for the hub at `hub_url` from now on (`""`: the hub this laptop will be given)."""
    with db.session() as s:
        config.put(s, KEY_HUB_CA_PEM, pem)
        config.put(s, KEY_HUB_CA_FOR, _origin(hub_url))


def pin_file(db: Database, path: str | os.PathLike[str], hub_url: str | None = None) -> dict[str, str]:
    """Read and pin the CA file for `hub_url` (default: the hub this laptop is connected to, or the one it
    will be given); what was pinned, for the officer."""
    pem = read_ca_file(path)
    if hub_url is None:
        with db.session() as s:
            hub_url = config.get(s, KEY_HUB_URL)
    pin(db, pem, hub_url)
    return {"ca_file": str(path), "ca_for": _origin(hub_url) or "", "certificates": str(pem.count("BEGIN CERT"))}


def pinned_for(db: Database, hub_url: str) -> str:
    """The PEM pinned for this hub, or "". A CA pinned for "the hub this laptop will be given" (after an
    enrolment by file) serves the hub the laptop then has (a targets file names it), no other."""
    with db.session() as s:
        pem, origin = config.get(s, KEY_HUB_CA_PEM), config.get(s, KEY_HUB_CA_FOR)
        given = config.get(s, KEY_HUB_URL)
    if not origin:
        origin = _origin(given) if given else _origin(hub_url)
    return pem if pem and origin == _origin(hub_url) else ""


def file_for(db: Database, hub_url: str) -> str:
    """A file path holding the CA pinned for this hub (written to the data folder once), or "": the system's
    trusted authorities."""
    pem = pinned_for(db, hub_url)
    return write_pem(pem) if pem else ""


def write_pem(pem: str) -> str:
    """The PEM as a file in the data folder named by its hash (written once; a reader never sees half)."""
    digest = hashlib.sha256(pem.encode("ascii")).hexdigest()[:16]
    path = paths.data_dir() / f"hub-ca-{digest}.pem"
    if not path.is_file() or path.read_text(encoding="ascii", errors="replace") != pem:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(pem, encoding="ascii")
        os.replace(tmp, path)
    return str(path)

