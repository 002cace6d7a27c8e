"""This laptop's addresses on the local network, for "Máy trong xã": the other laptop must type one of them
(host:port), so serving shows them (and a QR code of the first) instead of only the port."""

from __future__ import annotations

from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface


def lan_addresses() -> list[str]:
    """IPv4 addresses of the interfaces that are up and not loopback, private ranges first."""
    found: list[str] = []
    for iface in QNetworkInterface.allInterfaces():
        flags = iface.flags()
        if not (flags & QNetworkInterface.InterfaceFlag.IsUp) or flags & QNetworkInterface.InterfaceFlag.IsLoopBack:
            continue
        for entry in iface.addressEntries():
            ip = entry.ip()
            if ip.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol and not ip.isLoopback():
                found.append(ip.toString())
    private = ("10.", "192.168.", "172.")
    return sorted(dict.fromkeys(found), key=lambda a: (not a.startswith(private), a))


def serving_addresses(host: str, port: int) -> list[str]:
    """host:port the other laptops can reach: the bound address, or every LAN address when bound to all."""
    hosts = lan_addresses() if host in ("0.0.0.0", "") else [host]  # noqa: S104 - compared, not bound
    return [f"{h}:{port}" for h in hosts]
