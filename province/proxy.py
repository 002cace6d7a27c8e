"""The client's address and scheme behind a TLS proxy: `X-Forwarded-For` and `X-Forwarded-Proto` are
believed only when the direct peer is a configured trusted proxy (ENROLLPOINT_HUB_TRUSTED_PROXIES); anyone
else could write them to dodge the login limits or to pin a lockout on someone else's address.

The forwarded chain is read right to left, skipping trusted proxies: the first address that is not one of
ours is the client (entries further left were written by the client itself and prove nothing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The client's address: the peer's own unless the peer is a trusted proxy that forwarded one."""
    if not networks or not _trusted(peer, networks):
        return peer
    address = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # garbage where an address should be: stop at the last proxy we trust
            return address
        address = hop
        if not _trusted(hop, networks):
            return hop
    return address


class TrustedProxies:
    """ASGI middleware: rewrites the scope's client and scheme from a trusted proxy's headers (uvicorn's own
    proxy-header handling is switched off by `serve`, so this is the one rule)."""

    def __init__(self, app: Any, networks: Sequence[Network]) -> None:
        self.app, self.networks = app, tuple(networks)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.networks and client and _trusted(client[0], self.networks):
            headers = scope.get("headers") or []
            xff = ",".join(v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for")
            proto = [v.decode("latin-1").split(",")[-1].strip().lower() for k, v in headers
                     if k == b"x-forwarded-proto"]
            scope = dict(scope)
            scope["client"] = (client_address(client[0], xff, self.networks), client[1])
            if proto and proto[-1] in ("http", "https"):
                scope["scheme"] = proto[-1] if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto[-1]]
        await self.app(scope, receive, send)
