"""Where a fetch may go, decided from the link and its addresses before any connection.

Kept apart from the connections and the request loop because it is the rule itself: which URLs
are well formed enough to check, and which IPv4 and IPv6 addresses count as the public web.
:class:`FetchRefused` lives here, where refusals begin; every later step raises the same.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import idna

_DEFAULT_PORTS = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """The page was not fetched; ``reason`` says why in words a pupil can read."""

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


# --- Addresses ------------------------------------------------------------------------------

PRIVATE = "on a private network"
THIS_SERVER = "on this server, not the public web"
NOT_PUBLIC = "not a public website"

# Ranges that some Python releases still call global (cpython #113171 and friends), or that are
# public space but reach a cloud host's own services.
_PRIVATE_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT; 100.100.100.200 is Alibaba Cloud's metadata
        "169.254.0.0/16",  # link-local; 169.254.169.254 is the usual cloud metadata service
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments; 192.0.0.192 is Oracle Cloud's metadata
        "192.168.0.0/16",
        "198.18.0.0/15",
        "168.63.129.16/32",  # Azure's host services, although it is public address space
        "fc00::/7",  # unique local; fd00:ec2::254 is AWS's metadata over IPv6
        "fe80::/10",
        "fec0::/10",  # the old site-local range
    )
]
_NOT_PUBLIC_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "192.0.2.0/24",
        "192.88.99.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "::/96",  # IPv4-compatible IPv6 (deprecated), also :: itself
        "100::/64",
        "2001::/23",  # IETF special purpose, Teredo included
        "2001:db8::/32",
        "2002::/16",  # 6to4: an IPv4 address in disguise
        "3fff::/20",
        "5f00::/16",
        "64:ff9b:1::/48",
    )
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def address_refusal(ip: Address) -> str | None:
    """Why Rising Tide will not connect to ``ip`` (a phrase like "on a private network"), or
    None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return NOT_PUBLIC
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _IPV4_COMPATIBLE and int(ip) > 1:
            embedded = ipaddress.IPv4Address(int(ip))
        if ip in _NAT64:
            # DNS64 on an IPv6-only network: fine when the IPv4 address inside is public.
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return address_refusal(embedded)
        if embedded is not None:
            return address_refusal(embedded) or NOT_PUBLIC
    if ip.is_loopback or ip.is_unspecified:
        return THIS_SERVER
    if ip.is_link_local or any(ip in net for net in _PRIVATE_NETWORKS):
        return PRIVATE
    if ip.is_multicast or ip.is_reserved or any(ip in net for net in _NOT_PUBLIC_NETWORKS):
        return NOT_PUBLIC
    if ip.is_private or not ip.is_global:
        return PRIVATE
    return None


# --- Addresses as written in a URL -------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII, lower case, no trailing dot, IPv6 without brackets
    port: int
    path: str
    literal: Address | None
    allowed: bool  # on the test-only allow-list


_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f\\]")


def _target(url: str, allow: frozenset[str], redirected: bool) -> _Target:
    def refuse(reason: str) -> FetchRefused:
        return FetchRefused(reason, url)

    url = url.strip()
    if _UNSAFE_IN_URL.search(url.replace(" ", "%20")):
        raise refuse("that web address is not valid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refuse("that web address is not valid") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise refuse("only http and https links can be clipped")
    if "@" in parts.netloc:
        raise refuse("links with a user name or password in them cannot be clipped")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise refuse("that web address has no site name in it")
    port = port if port is not None else _DEFAULT_PORTS[scheme]

    literal: Address | None = None
    if parts.netloc.startswith("["):
        try:
            literal = ipaddress.IPv6Address(raw_host)
        except ValueError as exc:
            raise refuse("that web address is not valid") from exc
        if literal.scope_id:  # "%eth0": a network interface of this server
            raise refuse("that web address is not valid")
        host = str(literal)
    else:
        host = raw_host
        if not host.isascii():
            # UTS 46 maps look-alikes too: full-width "１２７。０。０。１" becomes 127.0.0.1.
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except idna.IDNAError as exc:
                raise refuse("that web address is not valid") from exc
        host = host.lower()
        host = host[:-1] if host.endswith(".") else host
        if not host or not _HOST_CHARS.match(host) or "" in host.split("."):
            raise refuse("that web address is not valid")
        if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
            try:
                literal = ipaddress.IPv4Address(host)
            except ValueError as exc:
                raise refuse(
                    "that address is a number written in an unusual way, so it cannot be checked"
                ) from exc

    key = f"[{host}]:{port}" if isinstance(literal, ipaddress.IPv6Address) else f"{host}:{port}"
    allowed = key in allow
    if not allowed:
        where = None
        if literal is not None:
            where = address_refusal(literal)
        elif host == "localhost" or host.endswith(".localhost"):
            where = THIS_SERVER
        elif "." not in host:  # would be completed from the server's own search domains
            where = NOT_PUBLIC
        if where:
            raise refuse(_address_reason(where, redirected))
        if port != _DEFAULT_PORTS[scheme]:
            raise refuse("only links to the usual web ports can be clipped")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(url, scheme, host, port, path, literal, allowed)


def _address_reason(where: str, redirected: bool) -> str:
    if redirected:
        return f"the page sends you on to an address that is {where}"
    return f"that address is {where}"
