"""Plain HTTP only where nobody else can listen: the hub refuses to serve plain HTTP on a network address unless
it is told it sits behind a TLS proxy, and refuses a dashboard login that travelled over plain HTTP from
another computer.

"Behind a proxy" is ENROLLPOINT_HUB_TRUSTED_PROXIES being set: the proxy that terminates TLS must be trusted
anyway, or its `X-Forwarded-Proto: https` is not believed and every login would look like plain HTTP. A hub
with TLS of its own (`serve --ssl-certfile/--ssl-keyfile`) may bind anywhere.

The login rule reads the request as `province.proxy` rewrote it: the scheme is https when TLS reached the
hub or a trusted proxy said so; the client is the real client. A client that is not an IP address (a Unix
socket, an in-process test client) is not on the network and is let through, as is loopback; so is any
client when `secure_cookies` is on (the admin declared TLS in front: the cookie is Secure and a browser
never sends it back over plain HTTP).
"""

from __future__ import annotations

import ipaddress

from province.errors import HubRefusal
from province.settings import HubSettings


class PlainHttpRefused(HubRefusal):
    """Plain HTTP where passwords or session cookies could be read on the wire: 403 / exit 2."""

    status = 403
    title = "Cần kết nối bảo mật (https)"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or "localhost"; False for 0.0.0.0, ::, names and other addresses."""
    host = host.strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serve(host: str, *, own_tls: bool, settings: HubSettings) -> None:
    """Refuse `serve` on a network address over plain HTTP unless a trusted TLS proxy is configured."""
    if own_tls or is_loopback(host) or settings.trusted_proxies:
        return
    raise PlainHttpRefused(
        f"Refusing to serve plain HTTP on {host}: passwords and session cookies would cross the network "
        "unencrypted. Put a TLS proxy in front and name it in ENROLLPOINT_HUB_TRUSTED_PROXIES (docs/hub.md, "
        "\"Proxy and TLS\"), give the hub its own certificate (--ssl-certfile/--ssl-keyfile), or listen on "
        "127.0.0.1.",
        vi=f"Không chạy HTTP thường (không mã hóa) trên địa chỉ {host}: mật khẩu và phiên đăng nhập sẽ đi qua "
           "mạng không được mã hóa. Hãy đặt một proxy TLS phía trước và khai báo nó trong "
           "ENROLLPOINT_HUB_TRUSTED_PROXIES (docs/hub.md, \"Proxy and TLS\"), hoặc cấp chứng chỉ cho máy chủ "
           "(--ssl-certfile/--ssl-keyfile), hoặc chỉ nghe trên 127.0.0.1.")


def plain_http_login(scheme: str, client_host: str | None, *, secure_cookies: bool) -> bool:
    """True when a login arrived over plain HTTP from another computer (and must be refused)."""
    if scheme == "https" or secure_cookies or not client_host:
        return False
    try:
        address = ipaddress.ip_address(client_host)
    except ValueError:  # not a network peer (Unix socket, in-process client)
        return False
    return not address.is_loopback


def refuse_plain_login() -> PlainHttpRefused:
    return PlainHttpRefused(
        "Login refused: the password was sent over plain http from another computer. Open the dashboard "
        "with https:// (the province's TLS address).",
        vi="Từ chối đăng nhập: mật khẩu được gửi qua http thường (không mã hóa) từ máy khác. Hãy mở bảng theo "
           "dõi bằng địa chỉ https:// của tỉnh.")
