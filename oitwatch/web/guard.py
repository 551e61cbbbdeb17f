"""The web form fetches URLs on behalf of strangers: only public web servers may be reached.

Refused: anything but http/https; loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
link-local (169.254/16: cloud metadata), multicast, reserved and unspecified addresses; names
that resolve to any of these. The check runs on every request the crawler makes, redirects
included, so a public page that redirects to 127.0.0.1 is refused too. ``allow_loopback``
(a setting, for tests and local use) lets 127.0.0.0/8 and ::1 through, nothing else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class TargetRefused(Exception):
    """The address is not a public web server."""


def _refused_ip(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool
) -> str | None:
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _refused_ip(ip.ipv4_mapped, allow_loopback)
    for flag, reason in (
        (ip.is_link_local, "a link-local address (cloud metadata lives there)"),
        (ip.is_private, "a private network address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_unspecified, "an unspecified address"),
    ):
        if flag:
            return reason
    return None


async def check_target(
    url: str, allow_loopback: bool = False, allow: frozenset[str] = frozenset()
) -> None:
    """Raise TargetRefused unless every address the URL's host resolves to is public (or in
    ``allow``, explicit exceptions by IP address, e.g. an intranet's own server)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(
            f"only http and https addresses can be checked, not {parts.scheme or 'this'}"
        )
    host = parts.hostname
    if not host:
        raise TargetRefused("the address has no host name")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, parts.port or 80, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise TargetRefused(f"the name {host} does not resolve: {exc}") from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if str(address) in allow:
            continue
        reason = _refused_ip(address, allow_loopback)
        if reason is not None:
            raise TargetRefused(f"{host} is {reason}: only public web sites can be checked")
