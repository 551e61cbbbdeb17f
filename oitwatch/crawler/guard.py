"""The web form fetches URLs on behalf of strangers: only public web servers may be reached.

Refused: anything but http/https; loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
link-local (169.254/16: cloud metadata), multicast, reserved and unspecified addresses; names
that resolve to any of these. The check runs on every request the crawler makes, redirects
included, so a public page that redirects to 127.0.0.1 is refused too (the guarded fetcher
remembers an origin's pass for a minute: crawler/guarded.py). ``allow_loopback``
(a setting, for tests and local use) lets 127.0.0.0/8 and ::1 through, nothing else.

A name is resolved once, by ``resolve`` (shared with the HTTP transport), and the connection
goes to the address that was vetted (crawler/transport.py): a name that answers a public
address to the check and a private one a moment later (DNS rebinding) cannot get through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from oitwatch.errors import NameNotResolved, TargetRefused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _refused_ip(ip: Address, allow_loopback: bool) -> str | None:
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


@dataclass(frozen=True)
class AddressPolicy:
    """Which server addresses may be reached. ``allow`` holds explicit exceptions: IP
    addresses or networks (``10.1.2.0/24``), e.g. an intranet's own server."""

    allow_loopback: bool = False
    allow: frozenset[str] = frozenset()

    def refusal(self, ip: Address) -> str | None:
        if str(ip) in self.allow:
            return None
        for entry in self.allow:
            if "/" in entry:
                try:
                    if ip in ipaddress.ip_network(entry, strict=False):
                        return None
                except ValueError:
                    continue
        return _refused_ip(ip, self.allow_loopback)


async def resolve(host: str, port: int) -> list[Address]:
    """Every address a name resolves to (an IP literal is its own answer). The one resolver
    the guard and the transport share: tests replace it to play a rebinding DNS server."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise NameNotResolved(f"the name {host} does not resolve: {exc}") from exc
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
    )


async def vetted_addresses(host: str, port: int, policy: AddressPolicy) -> list[Address]:
    """The addresses to connect to, in the resolver's order: resolved once, and refused
    altogether if any answer is refused (a name that mixes in a private address is hostile)."""
    addresses = await resolve(host, port)
    if not addresses:
        raise NameNotResolved(f"the name {host} does not resolve")
    for address in addresses:
        reason = policy.refusal(address)
        if reason is not None:
            raise TargetRefused(f"{host} is {reason}: only public web sites can be checked")
    return addresses


async def check_target(
    url: str, allow_loopback: bool = False, allow: frozenset[str] = frozenset()
) -> None:
    """Raise TargetRefused unless every address the URL's host resolves to is public (or in
    ``allow``, explicit exceptions by IP address or network)."""
    await check_url(url, AddressPolicy(allow_loopback, allow))


async def check_url(url: str, policy: AddressPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(
            f"only http and https addresses can be checked, not {parts.scheme or 'this'}"
        )
    host = parts.hostname
    if not host:
        raise TargetRefused("the address has no host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused(f"the address has a bad port: {exc}") from exc
    await vetted_addresses(host, port, policy)


__all__ = [
    "AddressPolicy",
    "NameNotResolved",
    "TargetRefused",
    "check_target",
    "check_url",
    "resolve",
]
