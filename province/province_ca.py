"""The province's TLS certificate authority carried to a laptop inside the signed enrolment response file
(`enrol-file … --ca-file PEM`): the response is signed by the hub key that the one-time code binds, so the
courier carrying the USB stick cannot swap the CA, and the officer has one file less to bring.

The CA's certificate is public. The payload gains one key, `tls_ca_pem`; a laptop that does not know it
ignores it (laptops read only the keys they need), a laptop that does pins it for its hub
(desktop/services/province_link/hub_ca.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from province.errors import HubRefusal
from sync import offline

FIELD = "tls_ca_pem"
MAX_CA_BYTES = 16 * 1024  # a CA certificate or two; the response file stays well inside the laptop's limit


def read_pem(path: str) -> str:
    """The file's certificates as PEM, or a refusal naming the file (before any code is spent)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        data = Path(path).read_bytes()[: MAX_CA_BYTES + 1]
    except OSError as exc:
        raise HubRefusal(f"Cannot read the CA file {path}: {exc.strerror or exc}.",
                         vi=f"Không đọc được tệp chứng chỉ {path}: {exc.strerror or exc}.", field="ca_file") from None
    try:
        certs = x509.load_pem_x509_certificates(data) if len(data) <= MAX_CA_BYTES else []
    except ValueError:
        certs = []
    if not certs:
        raise HubRefusal(f"{path} holds no PEM certificate (at most 16 KiB): give the province CA's certificate.",
                         vi=f"Tệp {path} không chứa chứng chỉ PEM nào (tối đa 16 KiB): hãy dùng tệp chứng chỉ của "
                            "tỉnh (CA).", field="ca_file")
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certs)


def with_ca(s: Session, doc: dict[str, Any], pem: str) -> dict[str, Any]:
    """The enrolment response `doc` signed again with the CA in its payload."""
    from province.offline import ensure_hub_key

    private, _public = ensure_hub_key(s)
    return offline.hub_sign(private, doc["kind"], {**doc["payload"], FIELD: pem})
